package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.cli.ServiceEndpoint;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.FaultInjectingProxy;
import io.kafkabackup.storage.testkit.KafkaBroker;
import io.kafkabackup.storage.testkit.PrometheusServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.DoublePredicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A continuous backup watched by a real Prometheus: the records it backed up, its lag and recovery point
 * (RPO) as Prometheus scrapes them from {@code /metrics}, and what they and {@code /health/ready} do
 * while the store is cut off (every request to Azurite answered 503 by a fault-injecting proxy) and after.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServiceMetricsTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();
  @TempDir
  Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void prometheusSeesRecordsLagAndARecoveryPointThatRisesWhileStorageIsCutAndFallsAfter() throws Exception {
    AtomicBoolean cut = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (KafkaBroker broker = KafkaBroker.start();
        FaultInjectingProxy proxy = new FaultInjectingProxy(AZURITE.endpoint().blobEndpoint().getPort())) {
      Map<String, String> config = cutOff(proxy, cut, 1);
      broker.createTopic("watched", 2, Map.of());
      produce(broker, 500);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (StorageBackend storage = StorageBackends.builder().config(config).meterRegistry(registry).open()) {
        BackupJob job = new BackupJob(storage, BackupOptions.builder("watched", TopicSelection.of("watched"))
            .kafka(broker.clientProperties()).mode(BackupMode.CONTINUOUS).pollTimeout(Duration.ofMillis(100))
            .segmentLimits(1024 * 1024, 100, Duration.ofMillis(300)).meterRegistry(registry).build());
        try (ServiceEndpoint endpoint = ServiceEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry,
            () -> job.health(Duration.ofSeconds(2)));
            PrometheusServer prometheus = PrometheusServer.start(dir, List.of("127.0.0.1:" + endpoint.port()),
                Duration.ofMillis(500))) {
          Future<BackupResult> run = pool.submit(job::run);
          String records = "sum(kafka_backup_records_total{backup=\"watched\"})";
          String rpo = "max(kafka_backup_recovery_point_seconds{backup=\"watched\"})";
          String lag = "sum(kafka_backup_lag{backup=\"watched\"})";
          await(prometheus, records, v -> v == 500);
          await(prometheus, lag, v -> v == 0);
          await(prometheus, rpo, v -> v == 0);
          await(prometheus, "sum(storage_operations_seconds_count{operation=\"put\",outcome=\"success\"})", v -> v > 0);
          assertEquals(200, status(endpoint, "/health/ready"));
          assertEquals(200, status(endpoint, "/health/live"));

          cut.set(true);
          produce(broker, 200);
          // The newest record backed up grows older while nothing can be committed; the job stays live.
          await(prometheus, rpo, v -> v >= 3);
          await(prometheus, "sum(kafka_backup_errors_total{backup=\"watched\",kind=\"storage\"})", v -> v > 0);
          assertEquals(500, query(prometheus, records).orElseThrow());
          awaitStatus(endpoint, "/health/ready", 503);
          assertEquals(200, status(endpoint, "/health/live"));

          cut.set(false);
          await(prometheus, records, v -> v == 700);
          await(prometheus, rpo, v -> v == 0);
          await(prometheus, lag, v -> v == 0);
          awaitStatus(endpoint, "/health/ready", 200);
          job.stop();
          assertEquals(BackupState.STOPPED, run.get(60, TimeUnit.SECONDS).state());
          assertEquals(503, status(endpoint, "/health/live"), "a job that ended is not live");
        }
        assertEquals(KafkaFixtures.readCommitted(broker, "watched"),
            KafkaFixtures.backedUp(storage, "watched", "watched", 2));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A continuous backup stopped right after an outage, while a partition still waits to retry, commits
   * nothing for the records it read and dropped: a later run backs them up, and nothing is lost.
   */
  @Test
  void aBackupStoppedWhileAPartitionWaitsToRetryLosesNothing() throws Exception {
    AtomicBoolean cut = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (KafkaBroker broker = KafkaBroker.start();
        FaultInjectingProxy proxy = new FaultInjectingProxy(AZURITE.endpoint().blobEndpoint().getPort())) {
      Map<String, String> config = cutOff(proxy, cut, 0);
      broker.createTopic("watched", 2, Map.of());
      produce(broker, 100);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (StorageBackend storage = StorageBackends.builder().config(config).open()) {
        BackupJob job = new BackupJob(storage, BackupOptions.builder("waiting", TopicSelection.of("watched"))
            .kafka(broker.clientProperties()).mode(BackupMode.CONTINUOUS).pollTimeout(Duration.ofMillis(100))
            .segmentLimits(1024 * 1024, 50, Duration.ofMillis(200)).meterRegistry(registry).build());
        Future<BackupResult> run = pool.submit(job::run);
        awaitCondition(() -> registry.find("kafka.backup.records").counters().stream()
            .mapToDouble(c -> c.count()).sum() == 100);
        cut.set(true);
        produce(broker, 100);
        awaitCondition(() -> registry.find("kafka.backup.errors").counters().stream()
            .mapToDouble(c -> c.count()).sum() > 0);
        cut.set(false);
        job.stop(); // the partition is paused, waiting for its retry
        assertEquals(BackupState.STOPPED, run.get(60, TimeUnit.SECONDS).state());
        assertEquals(BackupState.COMPLETE, new BackupJob(storage, BackupOptions.builder("waiting",
            TopicSelection.of("watched")).kafka(broker.clientProperties()).build()).run().state());
        assertEquals(KafkaFixtures.readCommitted(broker, "watched"), KafkaFixtures.backedUp(storage, "waiting", "watched", 2));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitCondition(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Azurite behind the proxy, every request answered 503 (ServerBusy) while {@code cut} is set. */
  private static Map<String, String> cutOff(FaultInjectingProxy proxy, AtomicBoolean cut, int retries) {
    proxy.rule(request -> cut.get() ? FaultInjectingProxy.Fault.respond(503, "ServerBusy", Map.of())
        : FaultInjectingProxy.Fault.FORWARD);
    Map<String, String> config = StorageUnderTest.azure(AZURITE.endpoint());
    config.put("storage.azure.endpoint", "http://127.0.0.1:" + proxy.port() + "/" + AZURITE.endpoint().accountName());
    config.put("storage.azure.max-retries", String.valueOf(retries));
    return config;
  }

  /** Records stamped now, so the recovery point measures real age. */
  private static void produce(KafkaBroker broker, int count) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(broker))) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>("watched", i % 2, ("k" + i).getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private static OptionalDouble query(PrometheusServer prometheus, String promql) throws IOException {
    return prometheus.query(promql);
  }

  private static void await(PrometheusServer prometheus, String promql, DoublePredicate condition) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    OptionalDouble last = OptionalDouble.empty();
    while (System.nanoTime() < deadline) {
      last = prometheus.query(promql);
      if (last.isPresent() && condition.test(last.getAsDouble())) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    throw new AssertionError(promql + " never met its condition; last value " + last);
  }

  private int status(ServiceEndpoint endpoint, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private void awaitStatus(ServiceEndpoint endpoint, String path, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (status(endpoint, path) != expected) {
      assertTrue(System.nanoTime() < deadline, path + " never answered " + expected);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }
}
