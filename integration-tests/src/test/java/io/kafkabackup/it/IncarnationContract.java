package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.IncarnationSummary;
import io.kafkabackup.backup.catalog.PartitionSummary;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.SegmentReader;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.GroupOffsetTranslation;
import io.kafkabackup.backup.kafka.GroupOffsetsRestore;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Commit;
import io.kafkabackup.backup.log.CommitKind;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A topic deleted and created again under a running backup, between two runs of one backup id and under
 * the consumer-group scale-out: each incarnation is backed up on its own, and a restore of each equals
 * what that incarnation held, field by field. Each subclass runs it on one provider's real server.
 */
abstract class IncarnationContract extends TwoClusters {
  private static final int PARTITIONS = 2;
  private static final int OLD_RECORDS = 250;
  private int counter;

  private BackupOptions.Builder options(String backupId, String topic) {
    return BackupOptions.builder(backupId, TopicSelection.of(topic)).kafka(source.clientProperties())
        .pollTimeout(Duration.ofMillis(100)).topicCheckInterval(Duration.ofMillis(300))
        .segmentLimits(1024 * 1024, 100, Duration.ofMillis(500));
  }

  @Test
  void aTopicCreatedAgainShorterUnderAContinuousBackupIsANewIncarnation() throws Exception {
    continuousBackupAcrossARecreation("shorter", 150, null);
  }

  @Test
  void aTopicCreatedAgainLongerUnderAContinuousBackupIsANewIncarnation() throws Exception {
    continuousBackupAcrossARecreation("longer", 400, null);
  }

  @Test
  void aTopicCreatedAgainUnderTheConsumerGroupScaleOutIsANewIncarnation() throws Exception {
    continuousBackupAcrossARecreation("scaled", 400, "incarnation-scale-out");
  }

  @Test
  void aDeletedTopicIsWaitedForAndBackedUpAgainOnceCreated() throws Exception {
    continuousBackupAcrossARecreation("waited", 300, null, () -> {
      // The topic stays deleted for several check intervals: its partitions are parked meanwhile.
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < until) {
        LockSupport.parkNanos(until - System.nanoTime());
      }
    });
  }

  private void continuousBackupAcrossARecreation(String name, int newRecords, String groupId) throws Exception {
    continuousBackupAcrossARecreation(name, newRecords, groupId, () -> { });
  }

  private void continuousBackupAcrossARecreation(String name, int newRecords, String groupId, Runnable whileDeleted)
      throws Exception {
    String topic = "recreated-" + name + "-" + (++counter);
    source.createTopic(topic, PARTITIONS, Map.of());
    KafkaFixtures.producePlain(source, topic, PARTITIONS, PARTITIONS * OLD_RECORDS, 1);
    Map<Integer, List<BackupRecord>> oldRecords = KafkaFixtures.readCommitted(source, topic);
    String oldId = topicId(topic);

    ExecutorService pool = Executors.newCachedThreadPool();
    List<BackupJob> jobs = new ArrayList<>();
    for (int i = 0; i < (groupId == null ? 1 : 2); i++) {
      BackupOptions.Builder b = options(name, topic).mode(BackupMode.CONTINUOUS);
      if (groupId != null) {
        b.groupId(groupId).workers(1);
      }
      jobs.add(new BackupJob(storage, b.build()));
    }
    List<Future<BackupResult>> running = jobs.stream().map(j -> pool.submit(j::run)).collect(Collectors.toList());
    try {
      await("the old topic is committed", () -> allCommitted(name, topic, oldId, OLD_RECORDS));
      KafkaFixtures.deleteTopic(source, topic);
      whileDeleted.run();
      KafkaFixtures.createAgain(source, topic, PARTITIONS);
      String newId = topicId(topic);
      KafkaFixtures.producePlain(source, topic, PARTITIONS, PARTITIONS * newRecords, 2);
      Map<Integer, List<BackupRecord>> newRecordsRead = KafkaFixtures.readCommitted(source, topic);
      await("the new topic is committed", () -> allCommitted(name, topic, newId, newRecords));
      jobs.forEach(BackupJob::stop);
      for (Future<BackupResult> f : running) {
        assertEquals(BackupState.STOPPED, f.get(60, TimeUnit.SECONDS).state());
      }
      assertIncarnations(name, topic, oldId, oldRecords, newId, newRecordsRead);
    } finally {
      jobs.forEach(BackupJob::stop);
      pool.shutdownNow();
    }
  }

  @Test
  void aTopicCreatedAgainBetweenTwoSnapshotRunsIsANewIncarnationWithItsOwnGroupOffsets() throws Exception {
    String topic = "recreated-between-" + (++counter);
    source.createTopic(topic, PARTITIONS, Map.of());
    KafkaFixtures.producePlain(source, topic, PARTITIONS, PARTITIONS * OLD_RECORDS, 3);
    Map<Integer, List<BackupRecord>> oldRecords = KafkaFixtures.readCommitted(source, topic);
    String oldId = topicId(topic);
    commitGroupOffset("incarnation-readers", topic, 100);
    assertEquals(BackupState.COMPLETE, new BackupJob(storage, options("between", topic).build()).run().state());

    recreate(topic);
    String newId = topicId(topic);
    KafkaFixtures.producePlain(source, topic, PARTITIONS, PARTITIONS * 400, 4);
    Map<Integer, List<BackupRecord>> newRecords = KafkaFixtures.readCommitted(source, topic);
    commitGroupOffset("incarnation-readers", topic, 300);
    assertEquals(BackupState.COMPLETE, new BackupJob(storage, options("between", topic).build()).run().state());

    assertIncarnations("between", topic, oldId, oldRecords, newId, newRecords);

    // Group offsets: each incarnation's restore translates only the offset committed on it.
    for (String id : List.of(oldId, newId)) {
      String which = id.equals(oldId) ? "old" : "newest";
      RestoreOptions options = RestoreOptions.builder("between").kafka(target.clientProperties())
          .restoreId("between-" + which).renameTopic(topic, topic + "-" + which).incarnation(topic, id).build();
      List<GroupOffsetTranslation> rows = new GroupOffsetsRestore(storage, options).plan().stream()
          .filter(r -> r.group().equals("incarnation-readers") && r.sourcePartition() == 0)
          .collect(Collectors.toList());
      assertEquals(1, rows.size(), rows.toString());
      assertEquals(id.equals(oldId) ? 100 : 300, rows.get(0).sourceOffset(), rows.toString());
      assertEquals("ok", rows.get(0).status(), rows.toString());
    }

    // verify: a planted commit whose topic id differs from its neighbours is a broken log.
    SourcePartition p0 = new SourcePartition(topic, 0);
    PartitionState state = PartitionLog.read(storage, "between", p0);
    assertTrue(new BackupCatalog(storage).verify("between").ok());
    List<SegmentEntry> segments = KafkaFixtures.segments(storage, state.current());
    SegmentEntry last = segments.get(segments.size() - 1);
    storage.put(BackupLayout.commit("between", p0, state.lastSequence() + 1), BackupJson.write(new Commit(
        Commit.FORMAT, state.lastSequence() + 1, CommitKind.SEGMENT, "planted", Instant.now().toString(), oldId,
        state.nextOffset(), state.nextOffset() + 10, last, List.of(), null, null, null)), PutOptions.createOnly());
    VerifyReport report = new BackupCatalog(storage).verify("between");
    assertFalse(report.ok());
    assertEquals(List.of("log"), report.problems().stream().map(VerifyReport.Problem::kind).collect(Collectors.toList()));
    assertTrue(report.problems().get(0).detail().contains("mixes two topics"), report.toString());
  }

  /** Every incarnation holds exactly its topic's records, and a restore of each gives them back. */
  private void assertIncarnations(String backupId, String topic, String oldId, Map<Integer, List<BackupRecord>> oldRecords,
      String newId, Map<Integer, List<BackupRecord>> newRecords) {
    for (int p = 0; p < PARTITIONS; p++) {
      PartitionState state = PartitionLog.read(storage, backupId, new SourcePartition(topic, p));
      assertEquals(List.of(oldId, newId), state.incarnations().stream().map(Incarnation::topicId)
          .collect(Collectors.toList()), "partition " + p);
      assertEquals(withOffsets(oldRecords.get(p)), withOffsets(records(state.incarnation(oldId).orElseThrow())));
      assertEquals(withOffsets(newRecords.get(p)), withOffsets(records(state.current())));
    }
    List<PartitionSummary> described = new BackupCatalog(storage).describe(backupId).topics().stream()
        .filter(t -> t.topic().equals(topic)).findFirst().orElseThrow().partitions();
    for (PartitionSummary p : described) {
      List<IncarnationSummary> incarnations = p.incarnations();
      assertEquals(2, incarnations.size());
      assertEquals(oldId, incarnations.get(0).topicId());
      assertTrue(incarnations.get(0).closedAt() != null);
      assertEquals(OLD_RECORDS, incarnations.get(0).nextOffset());
      assertEquals(newId, incarnations.get(1).topicId());
      assertEquals(null, incarnations.get(1).closedAt());
    }
    assertTrue(new BackupCatalog(storage).verify(backupId).ok());

    String restoredNew = topic + "-newest";
    new RestoreJob(storage, RestoreOptions.builder(backupId).kafka(target.clientProperties())
        .restoreId(backupId + "-newest").renameTopic(topic, restoredNew).build()).run();
    assertEquals(contents(newRecords), contents(KafkaFixtures.readCommitted(target, restoredNew)));
    String restoredOld = topic + "-old";
    new RestoreJob(storage, RestoreOptions.builder(backupId).kafka(target.clientProperties())
        .restoreId(backupId + "-old").renameTopic(topic, restoredOld).incarnation(topic, oldId).build()).run();
    assertEquals(contents(oldRecords), contents(KafkaFixtures.readCommitted(target, restoredOld)));
  }

  private List<BackupRecord> records(Incarnation incarnation) {
    List<BackupRecord> records = new ArrayList<>();
    for (SegmentEntry entry : KafkaFixtures.segments(storage, incarnation)) {
      try (SegmentReader reader = SegmentReader.open(entry.key(), storage.openStream(ObjectKey.of(entry.key())),
          entry.sha256())) {
        reader.forEachRemaining(records::add);
      }
    }
    return records;
  }

  private boolean allCommitted(String backupId, String topic, String topicId, long next) {
    for (int p = 0; p < PARTITIONS; p++) {
      PartitionState state = PartitionLog.read(storage, backupId, new SourcePartition(topic, p));
      if (!topicId.equals(state.topicId()) || state.nextOffset() < next) {
        return false;
      }
    }
    return true;
  }

  private String topicId(String topic) {
    return KafkaFixtures.topicId(source, topic);
  }

  private void recreate(String topic) {
    KafkaFixtures.recreateTopic(source, topic, PARTITIONS);
  }

  private void commitGroupOffset(String group, String topic, long offset) throws Exception {
    try (Admin admin = source.admin()) {
      admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)))
          .all().get();
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  /** A record as the source held it, offset included. */
  private static List<String> withOffsets(List<BackupRecord> records) {
    return records.stream().map(r -> r.offset() + "@" + content(r)).collect(Collectors.toList());
  }

  /** A record as a restored topic must hold it: everything but the offset. */
  private static String content(BackupRecord r) {
    return r.timestamp() + "/" + r.timestampKind() + "/" + hex(r.key()) + "/" + hex(r.value()) + "/"
        + r.headers().stream().map(h -> h.key() + "=" + hex(h.value())).collect(Collectors.toList());
  }

  private static Map<Integer, List<String>> contents(Map<Integer, List<BackupRecord>> records) {
    Map<Integer, List<String>> out = new TreeMap<>();
    records.forEach((p, list) -> out.put(p, list.stream().map(IncarnationContract::content).collect(Collectors.toList())));
    return out;
  }

  private static String hex(byte[] b) {
    return b == null ? "null" : HexFormat.of().formatHex(b);
  }
}
