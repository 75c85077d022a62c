package io.kafkabackup.backup.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupException;
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
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1");
    log.commit(0, 10, segment("a", 0, 10), List.of());
    log.commit(10, 15, null, List.of(new OffsetRange(10, 15)));
    log.commit(15, 30, segment("b", 15, 30), List.of());
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(0, state.startOffset());
    assertEquals(30, state.nextOffset());
    assertEquals(2, state.segments().size());
    assertEquals(List.of(new OffsetRange(10, 15)), state.skipped());
    assertEquals(25, state.recordCount());
    assertEquals("w1", state.owner());
    assertEquals(3, state.lastSequence());
  }

  @Test
  void aCommitThatDoesNotStartAtThePositionIsRefused() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1");
    log.commit(0, 10, segment("a", 0, 10), List.of());
    assertThrows(IllegalArgumentException.class, () -> log.commit(11, 20, segment("b", 11, 20), List.of()));
  }

  @Test
  void aLaterClaimFencesTheEarlierWriterAndNothingOfItsIsCommitted() {
    PartitionLog first = PartitionLog.claim(storage, "b", P, "w1");
    first.commit(0, 10, segment("a", 0, 10), List.of());
    PartitionLog second = PartitionLog.claim(storage, "b", P, "w2");
    assertEquals(10, second.state().nextOffset());
    FencedException fenced = assertThrows(FencedException.class,
        () -> first.commit(10, 20, segment("b-w1", 10, 20), List.of()));
    assertTrue(fenced.getMessage().contains("w2"), fenced.getMessage());
    second.commit(10, 20, segment("b-w2", 10, 20), List.of());
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(List.of("a", "b-w2"),
        state.segments().stream().map(s -> s.key().substring(s.key().lastIndexOf('/') + 1)).collect(Collectors.toList()));
  }

  @Test
  void checkpointsCompactTheLogWithoutChangingTheState() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1");
    int commits = PartitionLog.CHECKPOINT_INTERVAL * 2 + 7;
    for (int i = 0; i < commits; i++) {
      log.commit(i * 10L, i * 10L + 10, segment("s" + i, i * 10L, i * 10L + 10), List.of());
    }
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(commits, state.segments().size());
    assertEquals(commits * 10L, state.nextOffset());
    assertEquals(log.state().segments(), state.segments());
    long objects;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.commitLogPrefix("b", P))) {
      objects = entries.count();
    }
    assertTrue(objects <= PartitionLog.CHECKPOINT_INTERVAL + 1, "old commits deleted, " + objects + " left");
    // a new writer resumes from the compacted log
    PartitionLog next = PartitionLog.claim(storage, "b", P, "w2");
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
    PartitionLog log = PartitionLog.claim(flaky, "b", P, "w1");
    loseAnswer.set(true);
    SegmentEntry entry = segment("a", 0, 10);
    assertThrows(StorageException.class, () -> log.commit(0, 10, entry, List.of()));
    log.commit(0, 10, entry, List.of()); // the retry finds its own commit
    assertEquals(10, PartitionLog.read(storage, "b", P).nextOffset());
    assertEquals(1, PartitionLog.read(storage, "b", P).segments().size());
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
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1");
    log.commit(0, 10, segment("a", 0, 10), List.of());
    log.commit(10, 20, segment("b", 10, 20), List.of());
    storage.delete(BackupLayout.commit("b", P, 1));
    BackupException e = assertThrows(BackupException.class,
        () -> PartitionLog.read(storage, "b", P));
    assertTrue(e.getMessage().contains("lacks commit 1"), e.getMessage());
  }
}
