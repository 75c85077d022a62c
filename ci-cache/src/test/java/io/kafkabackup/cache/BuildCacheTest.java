package io.kafkabackup.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.FileTrees;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The cache on the filesystem backend: round trips, keys, integrity, override, flush. */
class BuildCacheTest {
  @TempDir
  Path dir;
  private StorageBackend backend;
  private MutableClock clock;
  private BuildCache cache;
  private Path workdir;

  @BeforeEach
  void open() throws IOException {
    backend = StorageBackends.builder().config(Map.of("storage.backend", "filesystem", "storage.filesystem.root",
        dir.resolve("store").toString())).open();
    clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    cache = new BuildCache(backend, clock);
    workdir = Files.createDirectories(dir.resolve("work"));
  }

  @AfterEach
  void close() {
    backend.close();
  }

  @ParameterizedTest
  @EnumSource(ArchiveFormat.class)
  void roundTripKeepsContentModesTimesAndLinks(ArchiveFormat format) throws IOException {
    FileTrees.build(workdir.resolve("repo"), 300, 7);
    Files.writeString(Files.createDirectories(workdir.resolve("other")).resolve("a.txt"), "second mount");
    Map<String, String> repo = FileTrees.snapshot(workdir.resolve("repo"));
    Map<String, String> other = FileTrees.snapshot(workdir.resolve("other"));

    SaveResult saved = cache.save("k-" + format, workdir, List.of("repo", "other"), SaveOptions.defaults()
        .withFormat(format));
    assertTrue(saved.saved());
    // 300 generated, 4 named ones in the tree and the second mount's file.
    assertEquals(300 + 4 + 1, saved.entry().orElseThrow().files());

    Path elsewhere = dir.resolve("elsewhere");
    RestoreResult restored = cache.restore("k-" + format, List.of(), elsewhere);
    assertTrue(restored.exact());
    assertEquals(repo, FileTrees.snapshot(elsewhere.resolve("repo")));
    assertEquals(other, FileTrees.snapshot(elsewhere.resolve("other")));
    try (Stream<Path> left = Files.list(elsewhere)) {
      assertEquals(List.of("other", "repo"), left.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging directory is left behind");
    }
  }

  @Test
  void restoreReplacesTheMountAndLeavesTheRestOfTheWorkdir() throws IOException {
    Files.writeString(Files.createDirectories(workdir.resolve("m")).resolve("cached.txt"), "v1");
    cache.save("k", workdir, List.of("m"), SaveOptions.defaults());
    Path target = dir.resolve("target");
    Files.writeString(Files.createDirectories(target.resolve("m")).resolve("stale.txt"), "old");
    Files.writeString(target.resolve("unrelated.txt"), "keep");

    cache.restore("k", List.of(), target);
    assertEquals("v1", Files.readString(target.resolve("m/cached.txt")));
    assertFalse(Files.exists(target.resolve("m/stale.txt")), "the mount is replaced, not merged");
    assertEquals("keep", Files.readString(target.resolve("unrelated.txt")));
  }

  @Test
  void linksLeavingTheMountAreSkippedOnSaveAndReported() throws IOException {
    Path m = Files.createDirectories(workdir.resolve("m"));
    Files.writeString(m.resolve("inside.txt"), "x");
    Files.createSymbolicLink(m.resolve("escape"), Path.of("../../etc/passwd"));
    Files.createSymbolicLink(m.resolve("absolute"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(m.resolve("fine"), Path.of("inside.txt"));
    SaveResult saved = cache.save("links", workdir, List.of("m"), SaveOptions.defaults());
    assertEquals(2, saved.skippedLinks().size(), saved.skippedLinks().toString());
    assertEquals(1, saved.entry().orElseThrow().symlinks());

    SaveResult none = cache.save("no-links", workdir, List.of("m"), SaveOptions.defaults().withSkipSymlinks(true));
    assertEquals(0, none.entry().orElseThrow().symlinks());
    assertEquals(List.of(), none.skippedLinks(), "skip-symlinks leaves every link out without a warning");
    Path target = dir.resolve("t");
    cache.restore("no-links", List.of(), target);
    assertFalse(Files.exists(target.resolve("m/fine"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(target.resolve("m/inside.txt")));
  }

  @Test
  void exactKeyNeverMatchesAnotherKeyThatSharesItsPrefix() throws IOException {
    Files.writeString(Files.createDirectories(workdir.resolve("m")).resolve("f"), "ab");
    cache.save("ab", workdir, List.of("m"), SaveOptions.defaults());
    cache.save("a/b", workdir, List.of("m"), SaveOptions.defaults());
    assertFalse(cache.restore("a", List.of(), dir.resolve("t")).hit());
    assertFalse(Files.exists(dir.resolve("t/m")));
    // Flushing "a" leaves "ab" and "a/b" alone.
    assertEquals(List.of(), cache.flush(new FlushSelector.Key("a"), false));
    assertEquals(List.of("a/b", "ab"), cache.list("").stream().map(EntrySummary::key).sorted().toList());
  }

  @Test
  void restoreKeysAreTriedInOrderAndTheNewestMatchWins() throws IOException {
    Path m = Files.createDirectories(workdir.resolve("m"));
    for (String key : List.of("maven-main-1", "maven-main-2", "maven-feature-1")) {
      Files.writeString(m.resolve("which"), key);
      cache.save(key, workdir, List.of("m"), SaveOptions.defaults());
      clock.advance(Duration.ofSeconds(2));
      // The filesystem backend's listing times come from the file system, which this clock does not move.
      awaitNextMillisecond();
    }
    Path t = dir.resolve("t");
    RestoreResult r = cache.restore("maven-main-3", List.of("maven-nothing-", "maven-main-", "maven-"), t);
    assertTrue(r.hit());
    assertFalse(r.exact());
    assertEquals("maven-main-2", r.entry().orElseThrow().key());
    assertEquals("maven-main-2", Files.readString(t.resolve("m/which")));

    RestoreResult any = cache.restore("x", List.of("maven-"), dir.resolve("t2"));
    assertEquals("maven-feature-1", any.entry().orElseThrow().key(), "newest of every match");
  }

  @Test
  void missIsNotAnError() {
    RestoreResult r = cache.restore("absent", List.of("also-absent-"), dir.resolve("t"));
    assertFalse(r.hit());
    assertFalse(Files.exists(dir.resolve("t").resolve("m")));
  }

  @Test
  void noOverrideKeepsTheFirstEntry() throws IOException {
    Path m = Files.createDirectories(workdir.resolve("m"));
    Files.writeString(m.resolve("f"), "first");
    assertTrue(cache.save("k", workdir, List.of("m"), SaveOptions.defaults().withOverride(false)).saved());
    Files.writeString(m.resolve("f"), "second");
    assertFalse(cache.save("k", workdir, List.of("m"), SaveOptions.defaults().withOverride(false)).saved());
    cache.restore("k", List.of(), dir.resolve("t"));
    assertEquals("first", Files.readString(dir.resolve("t/m/f")));

    assertTrue(cache.save("k", workdir, List.of("m"), SaveOptions.defaults()).saved());
    cache.restore("k", List.of(), dir.resolve("t"));
    assertEquals("second", Files.readString(dir.resolve("t/m/f")));
    try (Stream<Path> objects = Files.list(dir.resolve("store/cache/k"))) {
      assertEquals(2, objects.count(), "the replaced archive is deleted: one entry and one archive remain");
    }
  }

  @Test
  void aDamagedArchiveInstallsNothing() throws IOException {
    Path m = Files.createDirectories(workdir.resolve("m"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(m.resolve("f" + i), "content " + i);
    }
    CacheEntry entry = cache.save("k", workdir, List.of("m"), SaveOptions.defaults().withFormat(ArchiveFormat.TAR))
        .entry().orElseThrow();
    Path archive = dir.resolve("store/cache/k").resolve(entry.archive());
    // One flipped bit inside a file's content: the tar still parses, only the checksum can tell.
    long at = new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1).indexOf("content 25");
    assertTrue(at > 0);
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.seek(at);
      f.write('C');
    }
    Path target = dir.resolve("t");
    Files.writeString(Files.createDirectories(target.resolve("m")).resolve("previous"), "untouched");
    CacheIntegrityException e = assertThrows(CacheIntegrityException.class,
        () -> cache.restore("k", List.of(), target));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertEquals("untouched", Files.readString(target.resolve("m/previous")));
    try (Stream<Path> left = Files.list(target)) {
      assertEquals(List.of("m"), left.map(p -> p.getFileName().toString()).toList(), "no staging left");
    }

    // Cut short: the archive loses its second half.
    CacheEntry zstd = cache.save("z", workdir, List.of("m"), SaveOptions.defaults()).entry().orElseThrow();
    Path zArchive = dir.resolve("store/cache/z").resolve(zstd.archive());
    try (RandomAccessFile f = new RandomAccessFile(zArchive.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertThrows(CacheIntegrityException.class, () -> cache.restore("z", List.of(), target));
    assertEquals("untouched", Files.readString(target.resolve("m/previous")));
  }

  @Test
  void flushByAgePrefixAndKeyWithDryRun() throws IOException {
    Files.writeString(Files.createDirectories(workdir.resolve("m")).resolve("f"), "x");
    cache.save("old-1", workdir, List.of("m"), SaveOptions.defaults());
    cache.save("old-2", workdir, List.of("m"), SaveOptions.defaults());
    cache.save("new-1", workdir, List.of("m"), SaveOptions.defaults());
    // Every entry was written now (file times); ten days on, all are older than a week.
    clock.set(Instant.now().plus(Duration.ofDays(10)));
    assertEquals(3, cache.flush(new FlushSelector.OlderThan(Duration.ofDays(7)), true).size());
    assertEquals(3, cache.list("").size(), "a dry run deletes nothing");
    assertEquals(0, cache.flush(new FlushSelector.OlderThan(Duration.ofDays(30)), false).size());

    assertEquals(List.of("old-1", "old-2"), cache.flush(new FlushSelector.Prefix("old-"), false).stream()
        .map(EntrySummary::key).toList());
    assertEquals(List.of("new-1"), cache.list("").stream().map(EntrySummary::key).toList());
    assertEquals(1, cache.flush(new FlushSelector.Key("new-1"), false).size());
    assertEquals(List.of(), cache.list(""));
    try (Stream<ObjectKey> left = backend.list("").map(e -> ((ListEntry.StoredObject) e).key())) {
      assertEquals(List.of(), left.toList(),
          "archives go with their entries");
    }
  }

  @Test
  void anArchiveWithoutItsEntryIsInvisibleAndFlushable() throws IOException {
    backend.put(ObjectKey.of("cache/crashed/archive-1-0.tar.zst"), "partial".getBytes(StandardCharsets.UTF_8));
    assertFalse(cache.restore("crashed", List.of("cra"), dir.resolve("t")).hit());
    EntrySummary orphan = cache.list("").get(0);
    assertFalse(orphan.complete());
    clock.set(Instant.now().plus(Duration.ofDays(2)));
    assertEquals(1, cache.flush(new FlushSelector.OlderThan(Duration.ofDays(1)), false).size());
    assertEquals(List.of(), cache.list(""));
  }

  @Test
  void badInputIsNamed() throws IOException {
    Files.createDirectories(workdir.resolve("m"));
    assertMessage("mount '../up'", () -> cache.save("k", workdir, List.of("../up"), SaveOptions.defaults()));
    assertMessage("absolute", () -> cache.save("k", workdir, List.of("/etc"), SaveOptions.defaults()));
    assertMessage("mount 'missing' does not exist", () -> cache.save("k", workdir, List.of("missing"),
        SaveOptions.defaults()));
    assertMessage("lies inside mount 'm'", () -> cache.save("k", workdir, List.of("m", "m/sub"),
        SaveOptions.defaults()));
    assertMessage("empty", () -> cache.save(" ", workdir, List.of("m"), SaveOptions.defaults()));
    assertMessage("control character", () -> cache.save("a\nb", workdir, List.of("m"), SaveOptions.defaults()));
    assertMessage("zstd takes 1 to 19, got 25", () -> SaveOptions.defaults().withLevel(25));
    assertMessage("tar format is not compressed", () -> SaveOptions.defaults().withFormat(ArchiveFormat.TAR)
        .withLevel(3));
    assertMessage("expected one of tar, gzip, zstd, got 'rar'", () -> ArchiveFormat.of("rar"));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    CacheException e = assertThrows(CacheException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static void awaitNextMillisecond() {
    long now = System.currentTimeMillis();
    while (System.currentTimeMillis() < now + 5) {
      Thread.onSpinWait();
    }
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
