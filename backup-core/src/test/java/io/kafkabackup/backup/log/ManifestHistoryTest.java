package io.kafkabackup.backup.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 3: manifests, bounded checkpoints, reading by overlap, upgrades, crash points and retention. */
class ManifestHistoryTest {
  private static final SourcePartition P = new SourcePartition("orders", 0);
  private static final String TOPIC_ID = "gQ0b3XbVQfGp4mTQmC8Q8w";
  private static final long DAY = Duration.ofDays(1).toMillis();
  @TempDir
  Path dir;
  StorageBackend storage;
  /** Counts what goes through {@link #counted}. */
  final AtomicLong gets = new AtomicLong();
  final AtomicLong bytesPut = new AtomicLong();
  /** Puts whose key matches fail before they land (a crash), or after (a lost answer). */
  Predicate<String> failBefore = k -> false;
  Predicate<String> loseAnswer = k -> false;
  /** Deletes whose key matches fail (a crash in the middle of deleting what retention dropped). */
  Predicate<String> failDelete = k -> false;
  StorageBackend counted;

  @BeforeEach
  void open() {
    storage = StorageBackends.open(Map.of("storage.backend", "filesystem", "storage.filesystem.root", dir.toString()));
    counted = new ForwardingStorageBackend(storage) {
      @Override
      public byte[] get(ObjectKey key) {
        gets.incrementAndGet();
        return super.get(key);
      }

      @Override
      public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
        if (failBefore.test(key.value())) {
          throw new StorageException("injected: the process died before " + key, null, false);
        }
        bytesPut.addAndGet(data.length);
        ObjectMetadata m = super.put(key, data, options);
        if (loseAnswer.test(key.value())) {
          throw new StorageException("injected: the answer for " + key + " was lost", null, true);
        }
        return m;
      }

      @Override
      public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
        try {
          return put(key, data.readAllBytes(), options);
        } catch (IOException e) {
          throw new StorageException(e.getMessage(), e);
        }
      }

      @Override
      public void delete(ObjectKey key) {
        if (failDelete.test(key.value())) {
          throw new StorageException("injected: the process died before deleting " + key, null, false);
        }
        super.delete(key);
      }

      @Override
      public void deleteAll(java.util.Collection<ObjectKey> keys) {
        for (ObjectKey key : keys) {
          delete(key);
        }
      }

      @Override
      public void close() {
      }
    };
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** A segment of 10 records per span, its timestamps at {@code ts}, 100 bytes stored; the object is stored too. */
  private SegmentEntry segment(long start, long next, long ts) {
    String key = BackupLayout.segment("b", P, start, "w").value();
    storage.put(ObjectKey.of(key), new byte[] {1});
    return new SegmentEntry(key, start, next, start, next - 1, next - start, ts, ts, 100, 200, Codec.ZSTD,
        "ab".repeat(32));
  }

  private List<SegmentEntry> commitSpans(PartitionLog log, int from, int count, Long timestamp) {
    List<SegmentEntry> committed = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      SegmentEntry s = segment(i * 10L, i * 10L + 10, timestamp == null ? i * 1000L : timestamp);
      log.commit(i * 10L, i * 10L + 10, s, List.of());
      committed.add(s);
    }
    return committed;
  }

  private static List<SegmentEntry> read(StorageBackend storage, Incarnation incarnation, SegmentFilter filter) {
    try (Stream<SegmentEntry> s = PartitionHistory.segments(storage, incarnation, filter)) {
      return s.collect(Collectors.toList());
    }
  }

  /** Manifests stored that the state's history does not name (orphans, for prune). */
  private long unnamedManifests(PartitionState state) {
    Set<String> named = PartitionHistory.objects(storage, state);
    try (Stream<ListEntry> entries = storage.list(BackupLayout.manifestsPrefix("b", P))) {
      return entries.filter(e -> !named.contains(e.name())).count();
    }
  }

  private static LogPolicy every(int commits) {
    return new LogPolicy(commits, null, null, Duration.ZERO);
  }

  @Test
  void bytesPerCommitStayFlatAndTheWriterHoldsOnlyAFewSummaries() {
    PartitionLog log = PartitionLog.claim(counted, "b", P, "w1", TOPIC_ID, every(10));
    commitSpans(log, 0, 500, null);
    long early = bytesPut.getAndSet(0);
    commitSpans(log, 500, 4500, null);
    bytesPut.set(0);
    commitSpans(log, 5000, 500, null);
    long late = bytesPut.get();
    // The same 500 commits cost about as much after 5,000 commits as after none (a format-2 checkpoint
    // would have been ~40 times bigger by then).
    assertTrue(late < 2 * early, "bytes for 500 commits: first " + early + ", after 5,000: " + late);
    PartitionState state = PartitionLog.read(storage, "b", P);
    Incarnation current = state.current();
    assertEquals(5500, current.segmentCount());
    assertEquals(55_000, current.nextOffset());
    // 550 level-0 manifests: two of level 2 (256 each), two of level 1 (16 each), six of level 0
    assertEquals(List.of(2, 2, 1, 1, 0, 0, 0, 0, 0, 0),
        current.manifests().stream().map(ManifestRef::level).collect(Collectors.toList()));
    assertEquals(1, current.tailSegments().size(), "the claim counts as a commit: one segment waits for the next");
    long manifests;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.manifestsPrefix("b", P))) {
      manifests = entries.count();
    }
    assertEquals(550 + 34 + 2, manifests, "every manifest written once, none rewritten");
  }

  @Test
  void segmentsReadBackInOrderAndAQueryOpensOnlyTheManifestsItOverlaps() {
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, every(10));
    List<SegmentEntry> all = commitSpans(log, 0, 2005, null);
    Incarnation current = PartitionLog.read(storage, "b", P).current();
    assertEquals(all, read(storage, current, SegmentFilter.ALL));
    assertEquals(all, read(storage, log.state().current(), SegmentFilter.ALL));

    SegmentFilter offsets = new SegmentFilter(12_345, 12_400, Long.MIN_VALUE, Long.MAX_VALUE);
    gets.set(0);
    assertEquals(all.stream().filter(offsets::accepts).collect(Collectors.toList()), read(counted, current, offsets));
    assertTrue(gets.get() <= 4, "an offset range opened " + gets.get() + " manifests");

    SegmentFilter hour = new SegmentFilter(0, Long.MAX_VALUE, 1_000_000, 1_000_000 + 3_600_000 / 1000);
    gets.set(0);
    List<SegmentEntry> inHour = read(counted, current, hour);
    assertEquals(all.stream().filter(hour::accepts).collect(Collectors.toList()), inHour);
    assertFalse(inHour.isEmpty());
    assertTrue(gets.get() <= 4, "a time window opened " + gets.get() + " manifests");

    gets.set(0);
    PartitionHistory.Selection everything = PartitionHistory.select(counted, current, SegmentFilter.ALL);
    assertEquals(0, gets.get(), "a whole selection is counted from the summaries");
    assertEquals(new PartitionHistory.Selection(2005, 20_050, 200_500, 200, 10), everything);
    PartitionHistory.Selection part = PartitionHistory.select(counted, current, offsets);
    List<SegmentEntry> partList = all.stream().filter(offsets::accepts).collect(Collectors.toList());
    assertEquals(partList.size(), part.segments());
    assertEquals(partList.stream().mapToLong(SegmentEntry::recordCount).sum(), part.records());
  }

  @Test
  void aFormat2LogIsContinuedAndItsHistoryMovedIntoManifests() {
    List<SegmentEntry> old = new ArrayList<>();
    StringBuilder inline = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      SegmentEntry s = segment(i * 10L, i * 10L + 10, i);
      old.add(s);
      inline.append(i == 0 ? "" : ",").append(new String(BackupJson.write(s), UTF_8));
    }
    // A format-2 checkpoint as the previous version wrote it: every segment listed in the incarnation.
    putJson(0, "{\"format\":2,\"sequence\":0,\"kind\":\"checkpoint\",\"writer\":\"old\","
        + "\"committedAt\":\"2026-11-01T00:00:00Z\",\"topicId\":\"" + TOPIC_ID + "\",\"startOffset\":0,"
        + "\"nextOffset\":1500,\"incarnations\":[{\"topicId\":\"" + TOPIC_ID + "\",\"topicIdFrom\":-1,"
        + "\"openedAt\":\"2026-10-01T00:00:00Z\",\"closedAt\":null,\"startOffset\":0,\"nextOffset\":1500,"
        + "\"segments\":[" + inline + "],\"skipped\":[{\"from\":3,\"to\":4}]}]}");
    assertEquals(old, read(storage, PartitionLog.read(storage, "b", P).current(), SegmentFilter.ALL));

    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, every(5));
    old.addAll(commitSpans(log, 150, 5, null));
    PartitionState upgraded = PartitionLog.read(storage, "b", P);
    // 0: the old checkpoint, 1: the claim, 2-5: segments, 6: the first format-3 checkpoint, 7: a segment
    Commit checkpoint = BackupJson.read(storage.get(BackupLayout.commit("b", P, 6)), Commit.class, "checkpoint");
    assertEquals(CommitKind.CHECKPOINT, checkpoint.kind());
    assertEquals(3, checkpoint.format());
    assertTrue(checkpoint.incarnations().get(0).tailSegments().isEmpty(), "no segment listed inline any more");
    assertEquals(3, upgraded.current().manifests().size(), "155 segments in manifests of 64 at most");
    assertEquals(old, read(storage, upgraded.current(), SegmentFilter.ALL));
    assertEquals(List.of(new OffsetRange(3, 4)), upgraded.skipped());
  }

  /**
   * Writer w1 commits nine segments; the ninth commit makes a checkpoint due (sequence 10: the claim is
   * 0, the segments 1-9), whose write {@code disturb} makes fail. Returns the segments committed.
   */
  private List<SegmentEntry> ninthCommitsCheckpointFails(PartitionLog log, Runnable disturb, Runnable restore) {
    List<SegmentEntry> all = commitSpans(log, 0, 8, null);
    disturb.run();
    SegmentEntry ninth = segment(80, 90, 8);
    assertThrows(StorageException.class, () -> log.commit(80, 90, ninth, List.of()));
    all.add(ninth);
    restore.run();
    return all;
  }

  @Test
  void aCrashBeforeTheCheckpointLeavesTheLastStateAndAnotherWriterCarriesOn() {
    String checkpointKey = BackupLayout.commit("b", P, 10).value();
    List<SegmentEntry> all = ninthCommitsCheckpointFails(PartitionLog.claim(counted, "b", P, "w1", TOPIC_ID, every(10)),
        () -> failBefore = checkpointKey::equals, () -> failBefore = k -> false);
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(all, read(storage, state.current(), SegmentFilter.ALL), "the segment commit landed, the rest holds");
    assertEquals(1, unnamedManifests(state), "the manifest written before the crash is an orphan for prune");

    PartitionLog next = PartitionLog.claim(storage, "b", P, "w2", TOPIC_ID, every(10));
    all.addAll(commitSpans(next, 9, 20, null));
    assertEquals(all, read(storage, PartitionLog.read(storage, "b", P).current(), SegmentFilter.ALL));
  }

  @Test
  void aCheckpointWhoseAnswerWasLostIsFoundByReloading() {
    String checkpointKey = BackupLayout.commit("b", P, 10).value();
    PartitionLog log = PartitionLog.claim(counted, "b", P, "w1", TOPIC_ID, every(10));
    List<SegmentEntry> all = ninthCommitsCheckpointFails(log, () -> loseAnswer = checkpointKey::equals,
        () -> loseAnswer = k -> false);
    PartitionState reloaded = log.reload();
    assertEquals(10, reloaded.lastSequence());
    assertEquals(1, reloaded.current().manifests().size());
    all.addAll(commitSpans(log, 9, 15, null));
    assertEquals(all, read(storage, PartitionLog.read(storage, "b", P).current(), SegmentFilter.ALL));
  }

  @Test
  void ageRetentionDropsWholeManifestsOldestFirstAndDeletesTheirObjects() {
    long now = System.currentTimeMillis();
    LogPolicy policy = new LogPolicy(10, Duration.ofDays(7), null, Duration.ZERO);
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, policy);
    // the claim and 99 old segments fill ten level-0 manifests exactly; the recent ones start the eleventh
    List<SegmentEntry> old = commitSpans(log, 0, 99, now - 30 * DAY);
    List<SegmentEntry> recent = commitSpans(log, 99, 100, now - DAY);
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(990, state.startOffset(), "the kept window starts at the first recent manifest");
    assertEquals(1990, state.nextOffset());
    assertEquals(recent, read(storage, state.current(), SegmentFilter.ALL));
    assertTrue(old.stream().noneMatch(s -> storage.exists(ObjectKey.of(s.key()))), "dropped segments deleted");
    assertTrue(recent.stream().allMatch(s -> storage.exists(ObjectKey.of(s.key()))));
    assertEquals(0, unnamedManifests(state), "dropped manifests deleted");
  }

  @Test
  void aDeletionCutShortIsCarriedOnByTheNextCheckpoint() {
    long now = System.currentTimeMillis();
    PartitionLog keepAll = PartitionLog.claim(storage, "b", P, "w0", TOPIC_ID, every(10));
    List<SegmentEntry> old = commitSpans(keepAll, 0, 19, now - 30 * DAY);
    // the second segment of the dropped history cannot be deleted: the deletion stops there
    failDelete = k -> k.equals(old.get(1).key());
    PartitionLog log = PartitionLog.claim(counted, "b", P, "w1", TOPIC_ID,
        new LogPolicy(10, Duration.ofDays(7), null, Duration.ZERO));
    PartitionState state = PartitionLog.read(storage, "b", P);
    assertEquals(190, state.startOffset(), "the drop is committed before anything is deleted");
    assertTrue(storage.exists(ObjectKey.of(old.get(1).key())));
    assertFalse(state.expired().isEmpty(), "what is not deleted yet stays listed");
    failDelete = k -> false;
    commitSpans(log, 19, 10, now); // the next checkpoint deletes the rest
    assertTrue(old.stream().noneMatch(s -> storage.exists(ObjectKey.of(s.key()))));
    assertEquals(0, unnamedManifests(PartitionLog.read(storage, "b", P)), "no manifest left behind");
  }

  @Test
  void droppedObjectsStayForTheDeleteDelaySoEarlierReadersFinishUndisturbed() {
    long now = System.currentTimeMillis();
    PartitionLog keepAll = PartitionLog.claim(storage, "b", P, "w0", TOPIC_ID, every(10));
    List<SegmentEntry> old = commitSpans(keepAll, 0, 30, now - 30 * DAY);
    PartitionState before = PartitionLog.read(storage, "b", P); // a reader that started before the drop
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID,
        new LogPolicy(10, Duration.ofDays(7), null, Duration.ofSeconds(2)));
    commitSpans(log, 30, 10, now);
    PartitionState after = PartitionLog.read(storage, "b", P);
    assertEquals(300, after.startOffset(), "every old record was dropped at the claim");
    assertFalse(after.expired().isEmpty());
    assertTrue(after.expired().stream().allMatch(ExpiredManifest::withContents), after.expired().toString());
    // the reader of the earlier state still finds everything it names
    assertEquals(old, read(storage, before.current(), SegmentFilter.ALL));
    assertTrue(old.stream().allMatch(s -> storage.exists(ObjectKey.of(s.key()))));

    // once the delay is over, the next commit makes a checkpoint due, and it deletes what waited
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int next = 40;
    while (old.stream().anyMatch(s -> storage.exists(ObjectKey.of(s.key())))) {
      assertTrue(System.nanoTime() < deadline, "the dropped objects were deleted after the delay");
      commitSpans(log, next++, 1, now);
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    Instant dropped = Instant.parse(after.expired().get(0).expiredAt());
    assertFalse(Instant.now().isBefore(dropped.plusSeconds(2)), "not before the delay");
    commitSpans(log, next, 10, now); // the next checkpoint stops listing them
    assertTrue(PartitionLog.read(storage, "b", P).expired().isEmpty());
    BackupException e = assertThrows(BackupException.class,
        () -> read(storage, before.current(), SegmentFilter.ALL));
    assertTrue(e.getMessage().contains("not stored"), e.getMessage());
  }

  @Test
  void sizeRetentionKeepsAtLeastTheLimitAndSplitsAManifestOfManifests() {
    // One checkpoint per commit: one segment per level-0 manifest, 16 of them per level-1 manifest.
    LogPolicy policy = new LogPolicy(1, null, 2_500L, Duration.ZERO);
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, every(1));
    List<SegmentEntry> all = commitSpans(log, 0, 40, null); // 4,000 bytes: 2 level-1 + 8 level-0 manifests
    assertEquals(List.of(1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        log.state().current().manifests().stream().map(ManifestRef::level).collect(Collectors.toList()));
    String firstNode = log.state().current().manifests().get(0).key();

    PartitionLog limited = PartitionLog.claim(storage, "b", P, "w2", TOPIC_ID, policy);
    PartitionState state = limited.state();
    assertEquals(2_500, state.current().storedBytes(), "the oldest 15 segments went, 25 are kept");
    assertEquals(all.subList(15, 40), read(storage, state.current(), SegmentFilter.ALL));
    assertEquals(150, state.startOffset());
    ExpiredManifest split = state.expired().stream().filter(e -> e.key().equals(firstNode)).findFirst().orElseThrow();
    assertFalse(split.withContents(), "a split manifest goes alone; its kept children stay");
    assertTrue(storage.exists(ObjectKey.of(all.get(15).key())));
    assertFalse(storage.exists(ObjectKey.of(all.get(14).key())));
    assertEquals(state, PartitionLog.read(storage, "b", P));
  }

  @Test
  void anIncarnationRetentionHasEmptiedIsForgotten() {
    long now = System.currentTimeMillis();
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, every(10));
    commitSpans(log, 0, 20, now - 30 * DAY);
    log.startIncarnation("NEWidNEWidNEWidNEWid0w", 0);
    List<SegmentEntry> recent = commitSpans(log, 0, 20, now);
    assertEquals(2, log.state().incarnations().size());
    PartitionLog limited = PartitionLog.claim(storage, "b", P, "w2", "NEWidNEWidNEWidNEWid0w",
        new LogPolicy(10, Duration.ofDays(7), null, Duration.ZERO));
    PartitionState state = limited.state();
    assertEquals(1, state.incarnations().size(), state.toString());
    assertEquals("NEWidNEWidNEWidNEWid0w", state.topicId());
    assertEquals(recent, read(storage, state.current(), SegmentFilter.ALL));
  }

  @Test
  void readersBesideACheckpointingWriterAlwaysSeeOneWholeState() throws Exception {
    LogPolicy policy = new LogPolicy(3, null, 5_000L, Duration.ofSeconds(30));
    PartitionLog log = PartitionLog.claim(storage, "b", P, "w1", TOPIC_ID, policy);
    commitSpans(log, 0, 60, null);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      Thread t = new Thread(() -> {
        while (!done.get()) {
          try {
            PartitionState state = PartitionLog.read(storage, "b", P);
            List<SegmentEntry> segments = read(storage, state.current(), SegmentFilter.ALL);
            assertNotNull(state.current());
            long position = state.startOffset();
            for (SegmentEntry s : segments) {
              assertTrue(s.startOffset() >= position, "contiguous, in order: " + s + " after " + position);
              assertTrue(storage.exists(ObjectKey.of(s.key())), "named segment stored: " + s.key());
              position = s.nextOffset();
            }
            assertEquals(state.nextOffset(), position, "the segments end where the state does");
            assertTrue(state.current().storedBytes() >= 5_000, "never less than retention keeps: " + state);
            reads.incrementAndGet();
          } catch (Throwable e) {
            failures.add(e);
            return;
          }
        }
      });
      t.start();
      readers.add(t);
    }
    commitSpans(log, 60, 600, null);
    done.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertEquals(List.of(), failures);
    assertTrue(reads.get() >= 4, "readers read " + reads.get() + " times");
    assertTrue(PartitionLog.read(storage, "b", P).startOffset() > 0, "retention ran meanwhile");
  }

  private void putJson(long sequence, String json) {
    storage.put(BackupLayout.commit("b", P, sequence), json.getBytes(UTF_8), PutOptions.createOnly());
  }
}
