package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupDescription;
import io.kafkabackup.backup.catalog.PartitionSummary;
import io.kafkabackup.backup.catalog.TopicSummary;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.OffsetRange;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The backup engine end to end against a real KRaft broker: each subclass runs it on one provider's real
 * server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
abstract class BackupContract {
  protected KafkaBroker broker;
  protected StorageBackend storage;
  private int topicCounter;

  /** A fresh, empty storage configuration for one test. */
  protected abstract Map<String, String> storageConfig();

  @BeforeAll
  void startBroker() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void openStorage() {
    storage = StorageUnderTest.open(storageConfig());
  }

  @AfterEach
  void closeStorage() {
    storage.close();
  }

  private String topic(String base) {
    return base + "-" + (++topicCounter);
  }

  protected BackupOptions.Builder options(String backupId, String... topics) {
    return BackupOptions.builder(backupId, TopicSelection.of(topics)).kafka(broker.clientProperties())
        .pollTimeout(Duration.ofMillis(100));
  }

  @Test
  void backupStoresExactlyWhatAReadCommittedConsumerReads() {
    String plain = topic(KafkaFixtures.PLAIN);
    String compacted = topic(KafkaFixtures.COMPACTED);
    String txn = topic(KafkaFixtures.TRANSACTIONAL);
    broker.createTopic(plain, 12, Map.of());
    broker.createTopic(compacted, 1, Map.of("cleanup.policy", "compact", "segment.bytes", "1048576",
        "min.cleanable.dirty.ratio", "0.01", "segment.ms", "200", "delete.retention.ms", "100"));
    broker.createTopic(txn, 3, Map.of());
    KafkaFixtures.producePlain(broker, plain, 12, 3000, 1);
    KafkaFixtures.produceCompacted(broker, compacted, 3000);
    KafkaFixtures.produceTransactional(broker, txn, 3);

    BackupResult result = new BackupJob(storage, options("full", plain, compacted, txn)
        .segmentLimits(64 * 1024, 400, Duration.ofMinutes(5)).build()).run();
    assertEquals(BackupState.COMPLETE, result.state());

    assertEquals(KafkaFixtures.readCommitted(broker, plain), KafkaFixtures.backedUp(storage, "full", plain, 12));
    Map<Integer, List<BackupRecord>> txnBackup = KafkaFixtures.backedUp(storage, "full", txn, 3);
    assertEquals(KafkaFixtures.readCommitted(broker, txn), txnBackup);
    long aborted = txnBackup.values().stream().flatMap(List::stream)
        .filter(r -> new String(r.value()).startsWith("aborted")).count();
    assertEquals(0, aborted);
    assertEquals(225, txnBackup.values().stream().mapToLong(List::size).sum());

    // A compacted topic: the cleaner may run at any time, so compare what must hold whatever it did.
    List<BackupRecord> compactedBackup = KafkaFixtures.backedUpPartition(storage, "full", compacted, 0);
    List<BackupRecord> reference = KafkaFixtures.readCommitted(broker, compacted).get(0);
    assertEquals(lastPerKey(reference), lastPerKey(compactedBackup));
    for (int i = 1; i < compactedBackup.size(); i++) {
      assertTrue(compactedBackup.get(i).offset() > compactedBackup.get(i - 1).offset());
    }

    BackupCatalog catalog = new BackupCatalog(storage);
    BackupDescription described = catalog.describe("full");
    assertEquals(BackupState.COMPLETE, described.status().state());
    Map<String, TopicSummary> topics = described.topics().stream()
        .collect(Collectors.toMap(TopicSummary::topic, t -> t));
    assertEquals(12, topics.get(plain).description().partitions());
    assertEquals(12, topics.get(plain).partitions().size());
    assertEquals(3000, topics.get(plain).records());
    assertEquals("compact", topics.get(compacted).description().configs().get("cleanup.policy"));
    // Transaction markers and aborted records are absent offsets, accounted for in the commits' spans.
    assertTrue(topics.get(txn).partitions().stream().mapToLong(p -> p.absentOffsets()).sum() >= 75 + 36,
        topics.get(txn).partitions().toString());
    assertTrue(catalog.verify("full").ok());
    assertEquals(List.of("full"), catalog.list().stream().map(b -> b.backupId()).collect(Collectors.toList()));
  }

  @Test
  void offsetsDeletedBeforeTheyWereReadAreRecordedAsSkippedAndTheBackupGoesOn() throws Exception {
    String plain = topic("retained");
    broker.createTopic(plain, 1, Map.of());
    KafkaFixtures.producePlain(broker, plain, 1, 100, 6);
    new BackupJob(storage, options("retention", plain).build()).run();
    KafkaFixtures.producePlain(broker, plain, 1, 200, 7);
    try (Admin admin = broker.admin()) {
      admin.deleteRecords(Map.of(new TopicPartition(plain, 0), RecordsToDelete.beforeOffset(250))).all().get();
    }
    BackupResult second = new BackupJob(storage, options("retention", plain).build()).run();
    assertEquals(BackupState.COMPLETE, second.state());
    assertEquals(50, second.records());
    PartitionSummary p = new BackupCatalog(storage).describe("retention").topics().get(0).partitions().get(0);
    assertEquals(List.of(new OffsetRange(100, 250)), p.skipped());
    assertEquals(300, p.nextOffset());
    assertEquals(150, p.records());
    assertEquals(0, p.absentOffsets());
    assertExactlyOnce("retention", plain, 1);
  }

  private static Map<String, BackupRecord> lastPerKey(List<BackupRecord> records) {
    Map<String, BackupRecord> last = new HashMap<>();
    for (BackupRecord r : records) {
      last.put(new String(r.key()), r);
    }
    return last;
  }

  @Test
  void aSecondRunResumesWhereTheLastCommitEnded() {
    String plain = topic(KafkaFixtures.PLAIN);
    broker.createTopic(plain, 3, Map.of());
    KafkaFixtures.producePlain(broker, plain, 3, 600, 2);
    new BackupJob(storage, options("resumed", plain).build()).run();
    KafkaFixtures.producePlain(broker, plain, 3, 900, 3);
    BackupResult second = new BackupJob(storage, options("resumed", plain).build()).run();
    assertEquals(900, second.records(), "the second run backs up only the new records");
    assertEquals(KafkaFixtures.readCommitted(broker, plain), KafkaFixtures.backedUp(storage, "resumed", plain, 3));
    assertExactlyOnce("resumed", plain, 3);
  }

  @Test
  void storageFaultsAtEveryStepOfTheCommitProtocolLoseAndRepeatNothing() {
    String plain = topic(KafkaFixtures.PLAIN);
    broker.createTopic(plain, 4, Map.of());
    KafkaFixtures.producePlain(broker, plain, 4, 4000, 4);
    // Fails every 3rd segment upload at close, every 4th commit write before it lands, and every 5th
    // commit write after it landed (the answer is lost).
    FaultyStorage faulty = new FaultyStorage(storage, 3, 4, 5);
    BackupResult result = new BackupJob(faulty, options("faults", plain)
        .segmentLimits(1024 * 1024, 150, Duration.ofMinutes(5)).build()).run();
    assertEquals(BackupState.COMPLETE, result.state());
    assertTrue(faulty.injected() >= 10, "faults injected: " + faulty.injected());
    assertEquals(KafkaFixtures.readCommitted(broker, plain), KafkaFixtures.backedUp(storage, "faults", plain, 4));
    assertExactlyOnce("faults", plain, 4);
    VerifyReport report = new BackupCatalog(storage).verify("faults");
    assertTrue(report.ok(), report.problems().toString());
  }

  @Test
  void aSecondJobWithTheSameIdFencesTheFirstAndNothingIsLostOrRepeated() throws Exception {
    String plain = topic(KafkaFixtures.PLAIN);
    broker.createTopic(plain, 2, Map.of());
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> producer = pool.submit(() -> KafkaFixtures.produceWhile(broker, plain, 2, producing));
      BackupJob first = new BackupJob(storage, options("fenced", plain).mode(BackupMode.CONTINUOUS)
          .segmentLimits(1024 * 1024, 40, Duration.ofMillis(200)).build());
      Future<BackupResult> firstRun = pool.submit(first::run);
      awaitCommits("fenced", new SourcePartition(plain, 0), 3);
      BackupJob second = new BackupJob(storage, options("fenced", plain).mode(BackupMode.CONTINUOUS)
          .segmentLimits(1024 * 1024, 40, Duration.ofMillis(200)).build());
      Future<BackupResult> secondRun = pool.submit(second::run);
      Exception fenced = assertThrows(Exception.class, firstRun::get);
      assertTrue(fenced.getMessage().contains("fenced"), fenced.getMessage());
      awaitCommits("fenced", new SourcePartition(plain, 0), PartitionLog.read(storage, "fenced",
          new SourcePartition(plain, 0)).lastSequence() + 2);
      producing.set(false);
      producer.get();
      second.stop();
      assertEquals(BackupState.STOPPED, secondRun.get().state());
    } finally {
      producing.set(false);
      pool.shutdownNow();
    }
    new BackupJob(storage, options("fenced", plain).build()).run();
    assertEquals(KafkaFixtures.readCommitted(broker, plain), KafkaFixtures.backedUp(storage, "fenced", plain, 2));
    assertExactlyOnce("fenced", plain, 2);
  }

  private void awaitCommits(String backupId, SourcePartition partition, long sequence) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (PartitionLog.read(storage, backupId, partition).lastSequence() < sequence) {
      assertTrue(System.nanoTime() < deadline, "no commit " + sequence + " of " + partition + " within 60 s");
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Every offset of each partition is accounted for by exactly one commit span, with no holes. */
  protected void assertExactlyOnce(String backupId, String topic, int partitions) {
    for (int p = 0; p < partitions; p++) {
      PartitionState state = PartitionLog.read(storage, backupId, new SourcePartition(topic, p));
      long expected = state.startOffset();
      for (SegmentEntry segment : KafkaFixtures.segments(storage, state.current())) {
        assertTrue(segment.startOffset() >= expected, "overlap at " + segment);
        expected = segment.nextOffset();
      }
      List<Long> offsets = KafkaFixtures.backedUpPartition(storage, backupId, topic, p).stream().map(BackupRecord::offset)
          .collect(Collectors.toList());
      assertEquals(offsets.stream().distinct().count(), offsets.size(), "an offset stored twice in partition " + p);
    }
  }
}
