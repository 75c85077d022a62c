package io.kafkabackup.storage.bench;

import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.storage.testkit.ConnectCluster;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sink connector's backup beside {@code BackupJob}'s on the same broker, data and store: a topic of
 * ~1 KiB records is written once, backed up by {@code BackupJob} in a JVM of its own (as the pipeline
 * benchmark runs it), then by the sink connector on one distributed Connect worker (Kafka's
 * {@code ConnectDistributed}, the plugin directory the build made). Both end each segment at the same
 * record count (at most 32,768 records, ~32 MiB, and a divisor of a partition's share, so that no segment
 * reaches the 64 MiB size limit first), so the last segment of each is committed as soon as its last
 * record is read; the connector's time runs from its creation until every partition's commit log holds
 * the topic's end (starting the connector, its tasks and their consumer group included). Tasks: as many as
 * the CLI's consumers ({@code min(partitions, min(4, cores))}).
 *
 * <p>System properties: {@code bench.connectMiB} (data per cell, default 256), {@code bench.connectProviders}
 * (default {@code filesystem,s3}), {@code bench.connectWorkerHeapMiB} (default 512),
 * {@code bench.connectWarmupMiB} (an untimed connector backup first, default 128; 0 for none).
 */
final class ConnectBench {
  private static final int VALUE_BYTES = 1000;

  private ConnectBench() {
  }

  static String run() throws Exception {
    long mib = Long.getLong("bench.connectMiB", 256);
    long records = mib * 1024 * 1024 / (VALUE_BYTES + 24);
    int heap = Integer.getInteger("bench.connectWorkerHeapMiB", 512);
    List<String> providers = List.of(System.getProperty("bench.connectProviders", "filesystem,s3").split(","));
    StringBuilder md = new StringBuilder("## Kafka Connect sink connector beside the CLI backup\n\n")
        .append(String.format(Locale.ROOT, "%,d records of ~1 KiB (%d MiB) per cell, one KRaft broker on loopback. "
            + "CLI: BackupJob in a JVM with -Xmx256m. Connector: one Connect worker with -Xmx%dm (warmed up by an untimed "
            + "backup), tasks as many as the CLI's consumers. Same segment limit (32,768 records or a divisor of a partition's share). CPU: this process (broker, "
            + "emulators) plus the job's JVM or the worker's, per GB of record payload.%n%n", records, mib, heap))
        .append("| provider | partitions | tasks | CLI backup | connector backup | connector ÷ CLI "
            + "| CPU s/GB CLI / connector |\n|---|---|---|---|---|---|---|\n");
    Path scratch = Files.createTempDirectory("bench-connect-");
    Path plugin = Path.of("..", "backup-connect-plugin", "target", "plugin").toAbsolutePath().normalize();
    Path lib = Path.of("..", "connect-test-worker", "target", "lib").toAbsolutePath().normalize();
    // A fresh store for each backup (an emulator slows down as it fills, and the CLI's and the connector's
    // backups would otherwise not write into the same conditions), closed only once the worker is gone: a
    // deleted connector's tasks stop, and write their last status, after its deletion returns.
    List<Fixture> fixtures = new ArrayList<>();
    try {
      measure(md, providers, scratch, plugin, lib, heap, records, fixtures);
    } finally {
      for (Fixture fixture : fixtures) {
        fixture.close();
      }
    }
    return md.toString();
  }

  private static void measure(StringBuilder md, List<String> providers, Path scratch, Path plugin, Path lib,
      int heap, long records, List<Fixture> fixtures) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start();
        ConnectCluster connect = new ConnectCluster(broker, scratch, plugin, lib, heap)) {
      ConnectCluster.Worker worker = connect.startWorker();
      String bootstrap = broker.bootstrapServers();
      // Untimed: the worker's first backup compiles the code of Connect's sink path and ours (each CLI job
      // runs in a JVM of its own and pays its own warm-up inside its time, as the pipeline benchmark's do).
      long warmup = Long.getLong("bench.connectWarmupMiB", 128) * 1024 * 1024 / (VALUE_BYTES + 24);
      if (warmup > 0) {
        Fixture first = open("filesystem", scratch, fixtures);
        broker.createTopic("connect-warmup", 2, Map.of());
        PipelineBench.produce(bootstrap, "connect-warmup", 2, warmup);
        connector(connect, worker, first, bootstrap, "connect-warmup", 2, 2, segmentRecords(warmup / 2), warmup);
      }
      for (int partitions : new int[] {1, 8}) {
        for (String name : providers) {
          String provider = name.trim();
          String topic = "connect-" + provider + "-" + partitions;
          broker.createTopic(topic, partitions, Map.of());
          PipelineBench.produce(bootstrap, topic, partitions, records);
          long segmentRecords = segmentRecords(records / partitions);
          int tasks = Math.min(partitions, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
          List<String> args = new ArrayList<>();
          open(provider, scratch, fixtures).config.forEach((k, v) -> args.add(k + "=" + v));
          args.add(PipelineChild.SEGMENT_RECORDS + segmentRecords);
          PipelineBench.Rate cli = PipelineBench.inChild("backup", topic, bootstrap, args, records * VALUE_BYTES);
          PipelineBench.Rate sink = connector(connect, worker, open(provider, scratch, fixtures), bootstrap, topic,
              partitions, tasks, segmentRecords, records);
          String row = String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %.2f | %.1f / %.1f |%n",
              provider, partitions, tasks, cli, sink, sink.perSecond() / cli.perSecond(), cli.cpuPerGb(),
              sink.cpuPerGb());
          md.append(row);
          System.out.print(row);
        }
      }
    }
  }

  /**
   * A segment's record count that divides a partition's share: the last segment of a partition is then
   * full, and a continuous backup (the connector) commits it at once instead of at its age.
   */
  private static long segmentRecords(long perPartition) {
    return BigInteger.valueOf(perPartition).gcd(BigInteger.valueOf(32_768)).longValueExact();
  }

  /** A fresh store, closed by the caller with the others at the end. */
  private static Fixture open(String provider, Path scratch, List<Fixture> fixtures) throws Exception {
    Fixture fixture = Fixture.open(provider, scratch);
    fixtures.add(fixture);
    return fixture;
  }

  /** Creates the sink connector and times it until every partition's commit log holds the topic's end. */
  private static PipelineBench.Rate connector(ConnectCluster connect, ConnectCluster.Worker worker, Fixture fixture,
      String bootstrap, String topic, int partitions, int tasks, long segmentRecords, long records) {
    String backupId = topic + "-connect";
    Map<String, String> c = new HashMap<>(fixture.config);
    String bytes = "org.apache.kafka.connect.converters.ByteArrayConverter";
    c.put("connector.class", "io.kafkabackup.connect.KafkaBackupSinkConnector");
    c.put("tasks.max", String.valueOf(tasks));
    c.put("topics", topic);
    c.put("key.converter", bytes);
    c.put("value.converter", bytes);
    c.put("header.converter", bytes);
    // The CLI's consumer settings.
    c.put("consumer.override.isolation.level", "read_committed");
    c.put("consumer.override.max.partition.fetch.bytes", String.valueOf(4 * 1024 * 1024));
    c.put("consumer.override.fetch.max.bytes", String.valueOf(8 * 1024 * 1024));
    c.put("kafka.bootstrap.servers", bootstrap);
    c.put("backup.id", backupId);
    c.put("backup.segment-max-records", String.valueOf(segmentRecords));
    // Segments end at their record count (a divisor of the share, ~32 MiB, filled in well under 2 s). Only
    // after the consumer group's rebalance when the second task joins — which moves the segments' starts —
    // does a partition's last segment end by its age: 2 s, where the CLI's 5 minutes would be all the tail.
    c.put("backup.segment-max-age", "2s");
    long perPartition = records / partitions;
    long cpu0 = cpuNanos(worker);
    long t0 = System.nanoTime();
    connect.put(backupId, c);
    long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
    while (!caughtUp(fixture, backupId, topic, partitions, records, perPartition)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the connector did not back " + topic + " up within 10 minutes");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    long nanos = System.nanoTime() - t0;
    long cpu = cpuNanos(worker) - cpu0;
    connect.delete(backupId);
    return new PipelineBench.Rate(records, records * VALUE_BYTES, nanos, cpu);
  }

  /** Whether every partition's committed position reached its end (round robin: an equal share, the rest first). */
  private static boolean caughtUp(Fixture fixture, String backupId, String topic, int partitions, long records,
      long perPartition) {
    for (int p = 0; p < partitions; p++) {
      long end = perPartition + (p < records % partitions ? 1 : 0);
      if (PartitionLog.read(fixture.backend, backupId, new SourcePartition(topic, p)).nextOffset() < end) {
        return false;
      }
    }
    return true;
  }

  /** This process's CPU plus the worker's. */
  private static long cpuNanos(ConnectCluster.Worker worker) {
    return CpuClock.nanos() + CpuClock.treeNanos(worker.process().toHandle());
  }
}
