package io.kafkabackup.storage.bench;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Commit;
import io.kafkabackup.backup.log.CommitKind;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.LogPolicy;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.log.SegmentFilter;
import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.layer.ForwardingStorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The commit log over a long history, without Kafka (synthetic commits, one segment each, one every
 * 6 s of record time), so that a year of commits fits in minutes: the commit rate, the metadata bytes a
 * commit writes, the time to resume (read the log) and to describe, and the objects a one-hour
 * point-in-time plan reads — at several history lengths, for format 3 (manifests) beside format 2
 * (checkpoints that list every segment, written the way the previous version wrote them). Then the heap
 * of a job resuming many partitions, in a JVM of its own with {@code -Xmx256m}.
 *
 * <p>Settings: {@code bench.historyProviders} (default {@code filesystem}), {@code bench.historyCommits}
 * (default {@code 1000,10000,100000}), {@code bench.historyFormat2Max} (the longest format-2 history
 * written, default 10000: a format-2 log of 100k commits writes ~50 GB of checkpoints),
 * {@code bench.historyResumePartitions} (default 1000; 0 skips the measurement) and {@code bench.historyResumeCommits} (10000).
 */
final class HistoryBench {
  private static final SourcePartition P = new SourcePartition("history", 0);
  private static final int INTERVAL = LogPolicy.DEFAULT_CHECKPOINT_INTERVAL;
  private static final long SEGMENT_MILLIS = 6_000;
  private static final long BASE = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final String TOPIC_ID = "gQ0b3XbVQfGp4mTQmC8Q8w";

  private HistoryBench() {
  }

  static String run() throws Exception {
    List<String> providers = List.of(System.getProperty("bench.historyProviders", "filesystem").split(","));
    List<Integer> lengths = Stream.of(System.getProperty("bench.historyCommits", "1000,10000,100000").split(","))
        .map(String::trim).map(Integer::parseInt).collect(Collectors.toList());
    int format2Max = Integer.getInteger("bench.historyFormat2Max", 10_000);
    StringBuilder table = new StringBuilder();
    table.append("| provider | format | commits | commits/s (last 1k) | metadata bytes / commit (last 1k) | resume ms | "
        + "objects read to resume | KiB read to resume | describe ms | objects a 1-hour plan reads |\n");
    table.append("|---|---|---|---|---|---|---|---|---|---|\n");
    Path scratch = Fixture.scratchDirectory("bench-history");
    for (String provider : providers) {
      for (int commits : lengths) {
        for (int format : List.of(2, 3)) {
          if (format == 2 && commits > format2Max) {
            table.append(String.format(Locale.ROOT, "| %s | 2 | %,d | not run: its checkpoints would write %.0f GB |"
                + "  |  |  |  |  |  |%n", provider, commits, format2CheckpointBytes(commits) / 1e9));
            continue;
          }
          try (Fixture f = Fixture.open(provider, scratch)) {
            table.append(row(f, format, commits)).append('\n');
            System.out.println(table);
          }
        }
      }
    }
    if (Integer.getInteger("bench.historyResumePartitions", 1000) > 0) {
      table.append('\n').append(resumeHeap(scratch));
    }
    Fixture.deleteTree(scratch);
    return "## Commit log over a long history (`history`)\n\n" + table;
  }

  /** Bytes every format-2 checkpoint of a log of {@code commits} writes together (~475 bytes a segment). */
  private static double format2CheckpointBytes(int commits) {
    double checkpoints = commits / (double) INTERVAL;
    return checkpoints * (commits / 2.0) * 475;
  }

  private static String row(Fixture f, int format, int commits) {
    Counting store = new Counting(f.backend);
    String backupId = "h" + format + "-" + commits;
    writeDescriptor(store, backupId);
    Writer writer = format == 3 ? new Format3Writer(store, backupId) : new Format2Writer(store, backupId);
    long lastStart = 0;
    long bytesBeforeLast = 0;
    int last = Math.min(1000, commits);
    for (int i = 0; i < commits; i++) {
      if (i == commits - last) {
        lastStart = System.nanoTime();
        bytesBeforeLast = store.bytesPut.get();
      }
      writer.commit(i);
    }
    double lastSeconds = (System.nanoTime() - lastStart) / 1e9;
    long lastBytes = store.bytesPut.get() - bytesBeforeLast;

    long resumeNanos = Long.MAX_VALUE;
    long resumeObjects = 0;
    long resumeBytes = 0;
    for (int k = 0; k < 3; k++) {
      store.reset();
      long t0 = System.nanoTime();
      PartitionLog.read(store, backupId, P);
      resumeNanos = Math.min(resumeNanos, System.nanoTime() - t0);
      resumeObjects = store.gets.get() + store.lists.get();
      resumeBytes = store.bytesGot.get();
    }
    long describeNanos = Long.MAX_VALUE;
    BackupCatalog catalog = new BackupCatalog(store);
    for (int k = 0; k < 3; k++) {
      long t0 = System.nanoTime();
      catalog.describe(backupId);
      describeNanos = Math.min(describeNanos, System.nanoTime() - t0);
    }
    // A one-hour window in the middle of the history: read the log, then count what the hour holds (a
    // restore's plan). Producing it then reads the manifests that list its segments, and the segments.
    store.reset();
    Incarnation current = PartitionLog.read(store, backupId, P).current();
    long from = BASE + (commits / 2) * SEGMENT_MILLIS;
    SegmentFilter hour = new SegmentFilter(0, Long.MAX_VALUE, from, from + 3_600_000);
    PartitionHistory.Selection selection = PartitionHistory.select(store, current, hour);
    long planObjects = store.gets.get() + store.lists.get();
    try (Stream<SegmentEntry> segments = PartitionHistory.segments(store, current, hour)) {
      if (segments.count() != selection.segments() || selection.segments() == 0) {
        throw new IllegalStateException("the hour's plan disagrees: " + selection);
      }
    }
    return String.format(Locale.ROOT, "| %s | %d | %,d | %,.0f | %,d | %.1f | %d | %,.1f | %.1f | %d |", f.provider,
        format, commits, last / lastSeconds, lastBytes / last, resumeNanos / 1e6, resumeObjects, resumeBytes / 1024.0,
        describeNanos / 1e6, planObjects);
  }

  private static void writeDescriptor(StorageBackend store, String backupId) {
    store.put(BackupLayout.descriptor(backupId), BackupJson.write(new BackupDescriptor(BackupDescriptor.FORMAT, backupId,
        Instant.now().toString(), "continuous", null, List.of(P.topic()))), PutOptions.createOnly());
  }

  private static SegmentEntry segment(String backupId, int i) {
    long start = i * 1000L;
    long ts = BASE + i * SEGMENT_MILLIS;
    return new SegmentEntry(BackupLayout.segment(backupId, P, start, "w" + (i % 7)).value(), start, start + 1000,
        start, start + 999, 1000, ts, ts + SEGMENT_MILLIS - 1, 64L << 20, 80L << 20, Codec.ZSTD,
        "6f1c".repeat(16));
  }

  /** Appends one segment commit. */
  private interface Writer {
    void commit(int i);
  }

  /** This version's log. */
  private static final class Format3Writer implements Writer {
    private final String backupId;
    private final PartitionLog log;

    Format3Writer(StorageBackend store, String backupId) {
      this.backupId = backupId;
      this.log = PartitionLog.claim(store, backupId, P, "bench", TOPIC_ID);
    }

    @Override
    public void commit(int i) {
      SegmentEntry s = segment(backupId, i);
      log.commit(s.startOffset(), s.nextOffset(), s, List.of());
    }
  }

  /**
   * The format-2 writer as the previous version ran it (commit {@code 6beefd8}): the same segment
   * commits, and every {@value #INTERVAL} commits a checkpoint listing every segment, after which the
   * commits before it are deleted. Kept here only as the benchmark's baseline.
   */
  private static final class Format2Writer implements Writer {
    private final StorageBackend store;
    private final String backupId;
    private final List<SegmentEntry> segments = new ArrayList<>();
    private long sequence;

    Format2Writer(StorageBackend store, String backupId) {
      this.store = store;
      this.backupId = backupId;
      write(new Commit(2, sequence, CommitKind.CLAIM, "bench", Instant.now().toString(), TOPIC_ID, null, -1L, null,
          null, null, null, null));
    }

    @Override
    public void commit(int i) {
      SegmentEntry s = segment(backupId, i);
      segments.add(s);
      write(new Commit(2, ++sequence, CommitKind.SEGMENT, "bench", Instant.now().toString(), TOPIC_ID,
          s.startOffset(), s.nextOffset(), s, List.of(), null, null, null));
      if ((sequence + 1) % INTERVAL == 0) {
        long checkpoint = ++sequence;
        Incarnation whole = new Incarnation(TOPIC_ID, -1, null, null, 0, s.nextOffset(), List.of(), segments, List.of());
        write(new Commit(2, checkpoint, CommitKind.CHECKPOINT, "bench", Instant.now().toString(), TOPIC_ID, 0L,
            s.nextOffset(), null, null, null, List.of(whole), null));
        List<ObjectKey> older;
        try (Stream<ListEntry> entries = store.list(BackupLayout.commitLogPrefix(backupId, P))) {
          older = entries.map(e -> ObjectKey.of(e.name()))
              .filter(k -> BackupLayout.commitSequence(k).orElse(Long.MAX_VALUE) < checkpoint)
              .collect(Collectors.toList());
        }
        store.deleteAll(older);
      }
    }

    private void write(Commit commit) {
      store.put(BackupLayout.commit(backupId, P, commit.sequence()), BackupJson.write(commit), PutOptions.createOnly());
    }
  }

  /**
   * A job resuming many partitions: one partition's log (checkpoint and commits after it) is copied to
   * {@code partitions} partitions, then a JVM with {@code -Xmx256m} reads every one and holds the states,
   * as a job does after its claims.
   */
  private static String resumeHeap(Path scratch) throws Exception {
    int partitions = Integer.getInteger("bench.historyResumePartitions", 1000);
    int commits = Integer.getInteger("bench.historyResumeCommits", 10_000);
    StringBuilder out = new StringBuilder("| format | partitions × commits | resumed in -Xmx256m | heap the states take (after GC) | "
        + "per partition | read time |\n|---|---|---|---|---|---|\n");
    for (int format : List.of(2, 3)) {
      Path root = Files.createTempDirectory("bench-resume");
      try (Fixture f = Fixture.open("filesystem", scratch)) {
        // the store of a fixture is only used to write the one partition; the copies go under root
        String backupId = "resume" + format;
        Writer writer = format == 3 ? new Format3Writer(f.backend, backupId) : new Format2Writer(f.backend, backupId);
        for (int i = 0; i < commits; i++) {
          writer.commit(i);
        }
        int copies = format == 2 ? Math.min(partitions, 100) : partitions;
        List<byte[]> objects = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Stream<ListEntry> entries = f.backend.list(ListOptions.prefix(BackupLayout.commitLogPrefix(backupId, P)))) {
          entries.forEach(e -> {
            names.add(e.name().substring(e.name().lastIndexOf('/') + 1));
            objects.add(f.backend.get(ObjectKey.of(e.name())));
          });
        }
        for (int p = 0; p < copies; p++) {
          Path dir = root.resolve(backupId).resolve("topics").resolve(P.topic()).resolve(String.valueOf(p)).resolve("log");
          Files.createDirectories(dir);
          for (int k = 0; k < names.size(); k++) {
            Files.write(dir.resolve(names.get(k)), objects.get(k));
          }
        }
        String result = HistoryResumeChild.runIn256m(root, backupId, P.topic(), copies);
        out.append(String.format(Locale.ROOT, "| %d | %,d × %,d | %s%n", format, copies, commits, result));
      } finally {
        Fixture.deleteTree(root);
      }
    }
    return out.toString();
  }

  /** Counts the requests and the bytes written through it. */
  private static final class Counting extends ForwardingStorageBackend {
    final AtomicLong gets = new AtomicLong();
    final AtomicLong lists = new AtomicLong();
    final AtomicLong bytesPut = new AtomicLong();
    final AtomicLong bytesGot = new AtomicLong();

    Counting(StorageBackend delegate) {
      super(delegate);
    }

    void reset() {
      gets.set(0);
      lists.set(0);
      bytesGot.set(0);
    }

    @Override
    public byte[] get(ObjectKey key) {
      gets.incrementAndGet();
      byte[] data = super.get(key);
      bytesGot.addAndGet(data.length);
      return data;
    }

    @Override
    public Stream<ListEntry> list(ListOptions options) {
      lists.incrementAndGet();
      return super.list(options);
    }

    @Override
    public Stream<ListEntry> list(String prefix) {
      return list(ListOptions.prefix(prefix));
    }

    @Override
    public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
      bytesPut.addAndGet(data.length);
      return super.put(key, data, options);
    }

    @Override
    public ObjectMetadata put(ObjectKey key, byte[] data) {
      return put(key, data, PutOptions.overwrite());
    }

    @Override
    public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
      try {
        return put(key, data.readAllBytes(), options);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      // the fixture closes the backend
    }
  }
}
