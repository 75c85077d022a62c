package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    List<SegmentEntry> segments = PartitionLog.read(storage, "capped", new SourcePartition("capped", 0)).segments();
    assertEquals(13, segments.size(), segments.toString());
    assertTrue(segments.stream().allMatch(s -> s.recordCount() <= 100), segments.toString());
    assertEquals(KafkaFixtures.readCommitted(broker, "capped"), KafkaFixtures.backedUp(storage, "capped", "capped", 1));
  }
}
