package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.PartitionErrorPolicy;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup engine on the filesystem provider. */
class FilesystemBackupTest extends BackupContract {
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }

  @Test
  void metricsCountWhatWasCommitted() {
    broker.createTopic("metered", 2, Map.of());
    KafkaFixtures.producePlain(broker, "metered", 2, 500, 9);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BackupResult result = new BackupJob(storage, options("metered", "metered").meterRegistry(registry)
        .segmentLimits(1024 * 1024, 100, Duration.ofMinutes(5)).build()).run();
    assertEquals(500, registry.get("kafka.backup.records").tag("backup", "metered").tag("topic", "metered").counter()
        .count());
    assertEquals(result.bytes(), (long) registry.get("kafka.backup.bytes").counter().count());
    assertEquals(result.segments(), (long) registry.get("kafka.backup.segments").counter().count());
    assertEquals(result.segments(), registry.get("kafka.backup.commit.latency").timer().count());
    assertEquals(result.segments(), (long) registry.get("kafka.backup.commits").counter().count());
    // per topic by default: one series whatever the partition count
    assertEquals(1, registry.find("kafka.backup.lag").gauges().size());
    assertEquals(0.0, registry.get("kafka.backup.lag").tag("topic", "metered").gauge().value());
    assertEquals(0.0, registry.get("kafka.backup.recovery.point").tag("topic", "metered").gauge().value());

    SimpleMeterRegistry perPartition = new SimpleMeterRegistry();
    KafkaFixtures.producePlain(broker, "metered", 2, 100, 10);
    new BackupJob(storage, options("metered", "metered").meterRegistry(perPartition).perPartitionMetrics(true)
        .segmentLimits(1024 * 1024, 100, Duration.ofMinutes(5)).build()).run();
    assertEquals(2, perPartition.find("kafka.backup.lag").gauges().size());
    assertEquals(0.0, perPartition.get("kafka.backup.lag").tag("partition", "0").gauge().value());
    assertEquals(0.0, perPartition.get("kafka.backup.recovery.point").tag("partition", "1").gauge().value());
  }

  @Test
  void segmentMaxRecordsIsAHardCapWhateverAPollReturns() {
    broker.createTopic("capped", 1, Map.of());
    KafkaFixtures.producePlain(broker, "capped", 1, 1234, 10);
    BackupResult result = new BackupJob(storage, options("capped", "capped")
        .kafka(Map.of("max.poll.records", 500)).segmentLimits(64L * 1024 * 1024, 100, Duration.ofMinutes(5)).build())
        .run();
    assertEquals(1234, result.records());
    List<SegmentEntry> segments = KafkaFixtures.segments(storage, "capped", new SourcePartition("capped", 0));
    assertEquals(13, segments.size(), segments.toString());
    assertTrue(segments.stream().allMatch(s -> s.recordCount() <= 100), segments.toString());
    assertEquals(KafkaFixtures.readCommitted(broker, "capped"), KafkaFixtures.backedUp(storage, "capped", "capped", 1));
  }

  /**
   * A stored position beyond the broker's log end with no new topic id to explain it (here: history
   * without a recorded topic id, whose log was truncated or re-created) stops that partition with one
   * error naming topic, partition, position and log end; the policy decides whether the rest goes on.
   */
  @Test
  void aPartitionWhoseLogEndsBelowTheBackupStopsWithOneErrorAndTheRestGoesOnWhenAsked() {
    broker.createTopic("shrunk", 2, Map.of());
    KafkaFixtures.producePlain(broker, "shrunk", 2, 200, 11);
    for (String id : List.of("shrunk-fail", "shrunk-continue")) {
      // what an earlier run recorded: offsets [0, 500) of partition 0, and no topic id
      PartitionLog log = PartitionLog.claim(storage, id, new SourcePartition("shrunk", 0), "earlier", null);
      log.commit(0, 500, null, List.of());
    }

    BackupException failed = assertThrows(BackupException.class, () -> new BackupJob(storage,
        options("shrunk-fail", "shrunk").build()).run());
    for (String part : List.of("partition shrunk-0", "up to 500", "ends at 100")) {
      assertTrue(failed.getMessage().contains(part), failed.getMessage());
    }

    BackupException reported = assertThrows(BackupException.class, () -> new BackupJob(storage,
        options("shrunk-continue", "shrunk").onPartitionError(PartitionErrorPolicy.CONTINUE).build()).run());
    assertTrue(reported.getMessage().contains("1 partition(s) stopped") && reported.getMessage().contains("shrunk-0"),
        reported.getMessage());
    assertEquals(KafkaFixtures.readCommitted(broker, "shrunk").get(1),
        KafkaFixtures.backedUpPartition(storage, "shrunk-continue", "shrunk", 1), "the other partition went on");
    assertEquals(500, PartitionLog.read(storage, "shrunk-continue", new SourcePartition("shrunk", 0)).nextOffset(),
        "nothing of the stopped partition was overwritten");
  }

  /** A continuous backup picks up partitions added to its topics and new topics its pattern matches. */
  @Test
  void aContinuousBackupPicksUpAddedPartitionsAndNewlyMatchingTopics() throws Exception {
    broker.createTopic("grow-a", 2, Map.of());
    KafkaFixtures.producePlain(broker, "grow-a", 2, 100, 14);
    BackupJob job = new BackupJob(storage, BackupOptions.builder("growing", TopicSelection.parse(List.of(), "grow-.*",
        null)).kafka(broker.clientProperties()).mode(BackupMode.CONTINUOUS).pollTimeout(Duration.ofMillis(100))
        .workers(2).discoveryInterval(Duration.ofMillis(300)).segmentLimits(1024 * 1024, 100, Duration.ofMillis(200))
        .build());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<BackupResult> run = pool.submit(job::run);
      try (Admin admin = broker.admin()) {
        admin.createPartitions(Map.of("grow-a", NewPartitions.increaseTo(4))).all().get();
      }
      broker.createTopic("grow-b", 1, Map.of());
      KafkaFixtures.producePlain(broker, "grow-a", 4, 400, 15);
      KafkaFixtures.producePlain(broker, "grow-b", 1, 50, 16);
      Map<Integer, List<BackupRecord>> a = KafkaFixtures.readCommitted(broker, "grow-a");
      Map<Integer, List<BackupRecord>> b = KafkaFixtures.readCommitted(broker, "grow-b");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(KafkaFixtures.backedUp(storage, "growing", "grow-a", 4).equals(a)
          && KafkaFixtures.backedUp(storage, "growing", "grow-b", 1).equals(b))) {
        assertTrue(System.nanoTime() < deadline, "the added partitions and the new topic are backed up");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      job.stop();
      assertEquals(BackupState.STOPPED, run.get(60, TimeUnit.SECONDS).state());
      assertEquals(4, new BackupCatalog(storage).topicDescription("growing", "grow-a").orElseThrow().partitions());
      assertTrue(new BackupCatalog(storage).topicDescription("growing", "grow-b").isPresent());
    } finally {
      job.stop();
      pool.shutdownNow();
    }
  }
}
