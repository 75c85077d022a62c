package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupDescription;
import io.kafkabackup.backup.catalog.PartitionSummary;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.LogPolicy;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.storage.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A continuous backup that checkpoints every few commits and applies retention while readers —
 * {@code describe}, {@code verify} and restores — run beside it: every reader sees one whole state,
 * and what retention keeps restores exactly. Each subclass runs it on one provider's real server.
 */
abstract class HistoryContract extends TwoClusters {
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final int OLD = 600;
  private static final int NEW = 600;

  @Test
  void retentionAndReadersBesideACheckpointingContinuousBackup() throws Exception {
    String topic = "history-" + System.nanoTime();
    // The broker keeps everything: its own time retention would delete the month-old records.
    source.createTopic(topic, 1, Map.of("retention.ms", "-1"));
    long now = System.currentTimeMillis();
    produce(topic, 0, OLD, now - 30 * DAY);
    BackupOptions options = BackupOptions.builder("kept", TopicSelection.of(topic)).kafka(source.clientProperties())
        .mode(BackupMode.CONTINUOUS).pollTimeout(Duration.ofMillis(100))
        .segmentLimits(1024 * 1024, 40, Duration.ofMillis(300))
        .logPolicy(new LogPolicy(3, Duration.ofDays(7), null, Duration.ofMinutes(5))).build();
    // a consumer-group snapshot from a month ago: retention by age drops it with the old records
    ObjectKey oldSnapshot = BackupLayout.groupSnapshot("kept", now - 30 * DAY);
    storage.put(oldSnapshot, BackupJson.write(new GroupOffsetsSnapshot(Instant.ofEpochMilli(now - 30 * DAY).toString(),
        List.of(), Map.of())));
    BackupJob job = new BackupJob(storage, options);
    ExecutorService pool = Executors.newCachedThreadPool();
    Future<?> backup = pool.submit(job::run);
    awaitBackedUp(topic, 1);
    AtomicBoolean reading = new AtomicBoolean(true);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    BackupCatalog catalog = new BackupCatalog(storage);
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(pool.submit(() -> {
        while (reading.get()) {
          try {
            readOnce(catalog, topic);
            reads.incrementAndGet();
          } catch (Throwable e) {
            failures.add(e);
            return;
          }
        }
      }));
    }
    // in six batches, each backed up before the next is produced: the readers see many commits and
    // checkpoints go by. The fourth is restored while the backup commits it: one whole state is restored.
    List<String> restored = List.of();
    for (int batch = 0; batch < 6; batch++) {
      produce(topic, OLD + batch * (NEW / 6), NEW / 6, System.currentTimeMillis());
      if (batch == 3) {
        restored = restore(topic, "during");
      }
      awaitBackedUp(topic, OLD + (batch + 1) * (NEW / 6));
    }
    assertContiguous(restored);
    awaitBackedUp(topic, OLD + NEW);
    reading.set(false);
    for (Future<?> reader : readers) {
      reader.get(1, TimeUnit.MINUTES);
    }
    job.stop();
    backup.get(1, TimeUnit.MINUTES);
    pool.shutdown();
    assertEquals(List.of(), failures);
    assertTrue(reads.get() >= 2, "readers read " + reads.get() + " times");

    assertTrue(!storage.exists(oldSnapshot) && !catalog.groupSnapshotKeys("kept").isEmpty(),
        "the month-old group snapshot went, the new ones stay");
    PartitionSummary kept = catalog.describe("kept").topics().get(0).partitions().get(0);
    assertTrue(kept.startOffset() > 0 && kept.startOffset() <= OLD,
        "the month-old history went, the recent stayed: kept from " + kept.startOffset());
    assertEquals(OLD + NEW, kept.nextOffset());
    assertEquals(OLD + NEW - kept.startOffset(), kept.records());
    assertTrue(catalog.verify("kept").ok());
    List<String> after = restore(topic, "after");
    List<String> expected = new ArrayList<>();
    for (long i = kept.startOffset(); i < OLD + NEW; i++) {
      expected.add("v" + i);
    }
    assertEquals(expected, after, "a restore of the kept window equals it");
  }

  /** One reader's pass: the log, describe and verify all agree on one whole state. */
  private void readOnce(BackupCatalog catalog, String topic) {
    PartitionState state = PartitionLog.read(storage, "kept", new SourcePartition(topic, 0));
    long position = state.startOffset();
    for (var segment : KafkaFixtures.segments(storage, state.current())) {
      assertTrue(segment.startOffset() >= position, "contiguous: " + segment + " after " + position);
      position = segment.nextOffset();
    }
    assertTrue(position <= state.nextOffset());
    BackupDescription description = catalog.describe("kept");
    if (!description.topics().isEmpty() && !description.topics().get(0).partitions().isEmpty()) {
      PartitionSummary p = description.topics().get(0).partitions().get(0);
      assertTrue(p.nextOffset() - p.startOffset() >= p.records(), p.toString());
    }
    VerifyReport report = catalog.verify("kept");
    assertTrue(report.ok(), report.problems().toString());
  }

  private List<String> restore(String topic, String restoreId) {
    String target = topic + "-" + restoreId;
    new RestoreJob(storage, RestoreOptions.builder("kept").kafka(this.target.clientProperties())
        .restoreId(restoreId).renameTopic(topic, target).build()).run();
    List<BackupRecord> records = KafkaFixtures.readCommitted(this.target, target).getOrDefault(0, List.of());
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
  }

  private static void assertContiguous(List<String> values) {
    assertTrue(!values.isEmpty(), "something was restored");
    long first = Long.parseLong(values.get(0).substring(1));
    for (int i = 0; i < values.size(); i++) {
      assertEquals("v" + (first + i), values.get(i), "no gap and no duplicate at " + i);
    }
  }

  /** Polls the log, with a deadline, until the backup has committed up to {@code next}. */
  private void awaitBackedUp(String topic, long next) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (PartitionLog.read(storage, "kept", new SourcePartition(topic, 0)).nextOffset() < next) {
      assertTrue(System.nanoTime() < deadline, "the backup reached offset " + next);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  /** Records {@code v<i>} at offsets {@code from..}, all with one timestamp. */
  private void produce(String topic, int from, int count, long timestamp) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(source))) {
      for (int i = from; i < from + count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
            ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }
}
