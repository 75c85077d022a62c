package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestoreResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup and restore on the filesystem provider. */
class FilesystemRestoreTest extends RestoreContract {
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }

  /**
   * A throttled restore keeps to its rate over all partitions: measured between the first and the last
   * restored record by the broker's own append times (a LogAppendTime target), so setting up the
   * restore does not count.
   */
  @Test
  void aThrottledRestoreKeepsToItsRateAcrossPartitions() throws Exception {
    source.createTopic("throttled", 3, Map.of());
    KafkaFixtures.producePlain(source, "throttled", 3, 9000, 21);
    new BackupJob(storage, BackupOptions.builder("throttled", TopicSelection.of("throttled"))
        .kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
    // The broker stamps each record as it appends it: that is what measures the rate (allowed explicitly).
    target.createTopic("throttled-r", 3, Map.of("message.timestamp.type", "LogAppendTime"));
    SelectionException tooSlow = assertThrows(SelectionException.class, () -> new RestoreJob(storage,
        RestoreOptions.builder("throttled").kafka(target.clientProperties()).renameTopic("throttled", "throttled-r")
            .throttle(100, 0).allowLogAppendTime(true).build()).plan());
    assertTrue(tooSlow.getMessage().contains("segment '") && tooSlow.getMessage().contains("max-bytes-per-second"),
        tooSlow.getMessage());
    long limit = 256 * 1024;
    RestoreResult result = new RestoreJob(storage, RestoreOptions.builder("throttled").kafka(target.clientProperties())
        .renameTopic("throttled", "throttled-r").throttle(limit, 0).allowLogAppendTime(true).build()).run();
    List<BackupRecord> restored = KafkaFixtures.readCommitted(target, "throttled-r").values().stream()
        .flatMap(List::stream).collect(Collectors.toList());
    assertEquals(9000, restored.size());
    long first = restored.stream().mapToLong(BackupRecord::timestamp).min().orElseThrow();
    long last = restored.stream().mapToLong(BackupRecord::timestamp).max().orElseThrow();
    double rate = result.bytes() / ((last - first) / 1000.0);
    assertTrue(rate > 0.9 * limit && rate < 1.1 * limit, "restored at " + Math.round(rate) + " B/s, limit " + limit
        + " B/s, " + result.bytes() + " bytes in " + (last - first) + " ms");
  }
}
