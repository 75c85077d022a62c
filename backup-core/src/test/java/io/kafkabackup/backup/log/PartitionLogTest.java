package io.kafkabackup.backup.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.layer.ForwardingStorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
  private static final SourcePartition P = new SourcePartition("orders.v1_x", 3);
  private static final String TOPIC_ID = "gQ0b3XbVQfGp4mTQmC8Q8w";
  @TempDir
  Path dir;
  StorageBackend storage;

  @BeforeEach
  void open() {
    storage = StorageBackends.open(Map.of("storage.backend", "filesystem", "storage.filesystem.root", dir.toString()));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private static SegmentEntry segment(String name, long start, long next) {
    return new SegmentEntry("b/topics/orders.v1_x/3/segments/" + name, start, next, start, next - 1, next - start,
        10, 20, 100, 200, Codec.ZSTD, "ab".repeat(32));
  }

  @Test
  void commitsChainAndTheStateIsReadBackFromStorage() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(0, 10, segment("a", 0, 10), List.of());
    log.commit(10, 15, null, List.of(new OffsetRange(10, 15)));
    log.commit(15, 30, segment("b", 15, 30), List.of());
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(0, state.startOffset());
    assertEquals(30, state.nextOffset());
    assertEquals(2, segments(state.current()).size());
    assertEquals(List.of(new OffsetRange(10, 15)), state.skipped());
    assertEquals(25, state.recordCount());
    assertEquals("w1", state.owner());
    assertEquals(3, state.lastSequence());
  }

  @Test
  void aCommitThatDoesNotStartAtThePositionIsRefused() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(0, 10, segment("a", 0, 10), List.of());
    assertThrows(IllegalArgumentException.class, () -> log.commit(11, 20, segment("b", 11, 20), List.of()));
  }

  @Test
  void aLaterClaimFencesTheEarlierWriterAndNothingOfItsIsCommitted() {
    PartitionLog first = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    first.commit(0, 10, segment("a", 0, 10), List.of());
    PartitionLog second = PartitionLog.claim(storage, "b", P, "w2", TOPIC_ID);
    assertEquals(10, second.state().nextOffset());
    FencedException fenced = assertThrows(FencedException.class,
        () -> first.commit(10, 20, segment("b-w1", 10, 20), List.of()));
    assertTrue(fenced.getMessage().contains("w2"), fenced.getMessage());
    second.commit(10, 20, segment("b-w2", 10, 20), List.of());
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(List.of("a", "b-w2"),
        segments(state.current()).stream().map(s -> s.key().substring(s.key().lastIndexOf('/') + 1)).collect(Collectors.toList()));
  }

  @Test
  void checkpointsCompactTheLogWithoutChangingTheState() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    int commits = LogPolicy.DEFAULT_CHECKPOINT_INTERVAL * 2 + 7;
    for (int i = 0; i < commits; i++) {
      log.commit(i * 10L, i * 10L + 10, segment("s" + i, i * 10L, i * 10L + 10), List.of());
    }
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(commits, segments(state.current()).size());
    assertEquals(commits * 10L, state.nextOffset());
    assertEquals(segments(log.state().current()), segments(state.current()));
    long objects;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.commitLogPrefix("b", P))) {
      objects = entries.count();
    }
    // the previous checkpoint and what follows it are kept for readers whose listing raced the newest
    assertTrue(objects <= 2 * LogPolicy.DEFAULT_CHECKPOINT_INTERVAL + 2, "old commits deleted, " + objects + " left");
    // a new writer resumes from the compacted log
    PartitionLog next = PartitionLog.claim(storage, "b", P, "w2", TOPIC_ID);
    assertEquals(commits * 10L, next.state().nextOffset());
  }

  @Test
  void aCommitWhoseAnswerWasLostIsRecognisedAsItsOwnOnRetry() {
    AtomicBoolean loseAnswer = new AtomicBoolean();
    StorageBackend flaky = new ForwardingStorageBackend(storage) {
      @Override
      public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
        ObjectMetadata m = super.put(key, data, options);
        if (loseAnswer.getAndSet(false)) {
          throw new StorageException("connection reset after the write landed", null, true);
        }
        return m;
      }

      @Override
      public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
        return put(key, readAll(data), options);
      }

      @Override
      public void close() {
      }
    };
    PartitionLog log = PartitionLog.claim(flaky, "b", P, "w1", TOPIC_ID);
    loseAnswer.set(true);
    SegmentEntry entry = segment("a", 0, 10);
    assertThrows(StorageException.class, () -> log.commit(0, 10, entry, List.of()));
    log.commit(0, 10, entry, List.of()); // the retry finds its own commit
    assertEquals(10, PartitionLog.read(storage, "b", P).nextOffset());
    assertEquals(1, segments(PartitionLog.read(storage, "b", P).current()).size());
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException(e.getMessage(), e);
    }
  }

  @Test
  void anEmptyLogIsTheEmptyState() {
    assertEquals(PartitionState.EMPTY, PartitionLog.read(storage, "b", P));
  }

  @Test
  void aLogWithAMissingCommitIsReportedAsBroken() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(0, 10, segment("a", 0, 10), List.of());
    log.commit(10, 20, segment("b", 10, 20), List.of());
    storage.delete(BackupLayout.commit("b", P, 1));
    BackupException e = assertThrows(BackupException.class,
        () -> PartitionLog.read(storage, "b", P));
    assertTrue(e.getMessage().contains("lacks commit 1"), e.getMessage());
  }

  @Test
  void aNewIncarnationClosesTheOldHistoryAsItWasAndStartsANewSpan() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(0, 250, segment("old", 0, 250), List.of());
    log.startIncarnation("NEWidNEWidNEWidNEWid0w", 0);
    log.commit(0, 150, segment("new", 0, 150), List.of());
    // enough commits for two checkpoints, so the incarnations are also read back from a checkpoint
    for (int i = 0; i < LogPolicy.DEFAULT_CHECKPOINT_INTERVAL * 2; i++) {
      log.commit(150 + i, 151 + i, null, List.of());
    }
    for (PartitionState state : List.of(log.state(), PartitionLog.read(storage, "b", P))) {
      assertEquals(2, state.incarnations().size());
      Incarnation old = state.incarnations().get(0);
      assertEquals(TOPIC_ID, old.topicId());
      assertEquals(0, old.startOffset());
      assertEquals(250, old.nextOffset());
      assertEquals(List.of(segment("old", 0, 250)), segments(old));
      assertTrue(old.closedAt() != null && old.openedAt() != null, old.toString());
      Incarnation current = state.current();
      assertEquals("NEWidNEWidNEWidNEWid0w", current.topicId());
      assertEquals(null, current.closedAt());
      assertEquals(0, current.startOffset());
      assertEquals(150 + LogPolicy.DEFAULT_CHECKPOINT_INTERVAL * 2, state.nextOffset());
      assertEquals(List.of(segment("new", 0, 150)), segments(state.current()));
      assertEquals(old, state.incarnation(TOPIC_ID).orElseThrow());
    }
    // a new writer that finds the new id continues the new incarnation
    PartitionLog next = PartitionLog.claim(storage, "b", P, "w2", "NEWidNEWidNEWidNEWid0w");
    assertEquals(2, next.state().incarnations().size());
    assertEquals(150 + LogPolicy.DEFAULT_CHECKPOINT_INTERVAL * 2, next.state().nextOffset());
    assertThrows(IllegalArgumentException.class, () -> next.startIncarnation("NEWidNEWidNEWidNEWid0w", 0));
  }

  @Test
  void anIncarnationThatHoldsNothingIsReplacedNotKept() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", null); // the topic was gone when claimed
    log.startIncarnation(TOPIC_ID, 0);
    log.commit(0, 5, segment("a", 0, 5), List.of());
    for (PartitionState state : List.of(log.state(), PartitionLog.read(storage, "b", P))) {
      assertEquals(1, state.incarnations().size(), state.toString());
      assertEquals(TOPIC_ID, state.topicId());
      assertEquals(5, state.nextOffset());
    }
  }

  @Test
  void aClaimThatFindsAnotherTopicIdDoesNotChangeTheIncarnation() {
    PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID).commit(0, 10, segment("a", 0, 10), List.of());
    PartitionLog second = PartitionLog.claim(storage, "b", P, "w2", "OTHERidOTHERidOTHERid0");
    assertEquals(TOPIC_ID, second.state().topicId());
    assertEquals(TOPIC_ID, PartitionLog.read(storage, "b", P).topicId());
    assertEquals(10, second.state().nextOffset());
  }

  @Test
  void aFormat1LogIsReadWithoutATopicIdAndAWriterContinuingItAdoptsOne() {
    // A format-1 log as the previous version wrote it: a claim, a segment, a checkpoint, a segment.
    putJson(0, "{\"format\":1,\"sequence\":0,\"kind\":\"claim\",\"writer\":\"old\","
        + "\"committedAt\":\"2026-01-01T00:00:00Z\",\"nextOffset\":-1}");
    putJson(1, "{\"format\":1,\"sequence\":1,\"kind\":\"segment\",\"writer\":\"old\","
        + "\"committedAt\":\"2026-01-01T00:00:01Z\",\"startOffset\":0,\"nextOffset\":10,\"segment\":"
        + new String(BackupJson.write(segment("a", 0, 10)), UTF_8)
        + ",\"skipped\":[]}");
    putJson(2, "{\"format\":1,\"sequence\":2,\"kind\":\"checkpoint\",\"writer\":\"old\","
        + "\"committedAt\":\"2026-01-01T00:00:02Z\",\"startOffset\":0,\"nextOffset\":10,\"segments\":["
        + new String(BackupJson.write(segment("a", 0, 10)), UTF_8)
        + "],\"skipped\":[{\"from\":3,\"to\":4}]}");
    putJson(3, "{\"format\":1,\"sequence\":3,\"kind\":\"segment\",\"writer\":\"old\","
        + "\"committedAt\":\"2026-01-01T00:00:03Z\",\"startOffset\":10,\"nextOffset\":20,\"segment\":"
        + new String(BackupJson.write(segment("b", 10, 20)), UTF_8)
        + ",\"skipped\":[]}");
    PartitionState old = PartitionLog.read(storage, "b", P);
    assertEquals(1, old.incarnations().size());
    assertEquals(null, old.topicId());
    assertEquals(0, old.startOffset());
    assertEquals(20, old.nextOffset());
    assertEquals(List.of(segment("a", 0, 10), segment("b", 10, 20)), segments(old.current()));
    assertEquals(List.of(new OffsetRange(3, 4)), old.skipped());

    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(20, 30, segment("c", 20, 30), List.of());
    PartitionState continued = PartitionLog.read(storage, "b", P);
    assertEquals(1, continued.incarnations().size());
    assertEquals(TOPIC_ID, continued.topicId());
    assertEquals(20, continued.current().topicIdFrom(), "the id is known only from where it was adopted");
    assertEquals(3, segments(continued.current()).size());
    assertEquals(continued, log.state());
    // its next checkpoint moves the format-1 history into manifests, keeping the adopted id and the lost range
    for (int i = 3; i < 3 + LogPolicy.DEFAULT_CHECKPOINT_INTERVAL; i++) {
      log.commit(i * 10L, i * 10L + 10, segment("s" + i, i * 10L, i * 10L + 10), List.of());
    }
    PartitionState upgraded = PartitionLog.read(storage, "b", P);
    assertTrue(!upgraded.current().manifests().isEmpty() && upgraded.current().manifests().get(0).startOffset() == 0,
        upgraded.toString());
    assertEquals(3 + LogPolicy.DEFAULT_CHECKPOINT_INTERVAL, segments(upgraded.current()).size());
    assertEquals(20, upgraded.current().topicIdFrom());
    assertEquals(List.of(new OffsetRange(3, 4)), upgraded.skipped());
  }

  @Test
  void aCommitWhoseTopicIdDiffersFromItsIncarnationIsReportedAsBroken() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID);
    log.commit(0, 10, segment("a", 0, 10), List.of());
    // planted: the next span of the same log, but from another topic id and with no incarnation commit
    storage.put(BackupLayout.commit("b", P, 2), BackupJson.write(new Commit(Commit.FORMAT, 2,
        CommitKind.SEGMENT, "w1", "2026-01-01T00:00:00Z", "PLANTEDidPLANTEDid0000", 10L, 20L, segment("b", 10, 20),
        List.of(), null, null, null)), PutOptions.createOnly());
    BackupException e = assertThrows(BackupException.class, () -> PartitionLog.read(storage, "b", P));
    assertTrue(e.getMessage().contains("mixes two topics") && e.getMessage().contains("PLANTEDidPLANTEDid0000"),
        e.getMessage());
  }

  @Test
  void aCommitOfANewerFormatIsRefusedByName() {
    putJson(0, "{\"format\":4,\"sequence\":0,\"kind\":\"claim\",\"writer\":\"future\","
        + "\"committedAt\":\"2027-01-01T00:00:00Z\",\"nextOffset\":-1}");
    BackupException e = assertThrows(BackupException.class, () -> PartitionLog.read(storage, "b", P));
    assertTrue(e.getMessage().contains("commit format 4") && e.getMessage().contains(BackupLayout.commit("b", P, 0)
        .value()), e.getMessage());
  }

  private List<SegmentEntry> segments(Incarnation incarnation) {
    try (Stream<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation, SegmentFilter.ALL)) {
      return segments.collect(Collectors.toList());
    }
  }

  private void putJson(long sequence, String json) {
    storage.put(BackupLayout.commit("b", P, sequence), json.getBytes(UTF_8),
        PutOptions.createOnly());
  }
}
