package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.cache.ArchiveFormat;
import io.kafkabackup.cache.BuildCache;
import io.kafkabackup.cache.EntrySummary;
import io.kafkabackup.cache.FlushSelector;
import io.kafkabackup.cache.RestoreResult;
import io.kafkabackup.cache.SaveOptions;
import io.kafkabackup.cache.SaveResult;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI cache on one provider against its real server: a 10,000-file tree round trip, create-only saves,
 * restore-key fallback, and flush, each through the backend's own listing and conditional writes.
 */
abstract class CacheContract {
  @TempDir
  Path dir;
  StorageBackend backend;
  BuildCache cache;

  /** The provider's settings, a fresh container, bucket or directory per call. */
  protected abstract Map<String, String> storageConfig();

  /** The settings {@link #backend} was opened with, for the CLI runs. */
  Map<String, String> settings;

  @BeforeEach
  void open() {
    settings = storageConfig();
    backend = StorageUnderTest.open(settings);
    cache = new BuildCache(backend, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void tenThousandFilesComeBackIdentical() throws IOException {
    Path work = dir.resolve("work");
    FileTrees.build(work.resolve("deps"), 10_000, 11);
    Files.createDirectories(work.resolve("target/classes/empty"));
    Map<String, String> deps = FileTrees.snapshot(work.resolve("deps"));
    Map<String, String> target = FileTrees.snapshot(work.resolve("target"));

    SaveResult saved = cache.save("tree", work, List.of("deps", "target"), SaveOptions.defaults());
    assertEquals(10_004, saved.entry().orElseThrow().files());

    Path restoredInto = dir.resolve("fresh-checkout");
    RestoreResult restored = cache.restore("tree", List.of(), restoredInto);
    assertTrue(restored.exact());
    assertEquals(deps, FileTrees.snapshot(restoredInto.resolve("deps")));
    assertEquals(target, FileTrees.snapshot(restoredInto.resolve("target")));
    try (Stream<Path> top = Files.list(restoredInto)) {
      assertEquals(List.of("deps", "target"), top.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void anEncryptedSaveThroughTheCliRestoresAndItsArchiveHoldsNoFileBytes() throws IOException {
    Path work = dir.resolve("encrypted-work");
    FileTrees.build(work.resolve("deps"), 300, 17);
    Files.writeString(work.resolve("deps/secret.txt"), "cache-secret-marker-" + "x".repeat(40));
    Map<String, String> tree = FileTrees.snapshot(work.resolve("deps"));
    String key = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    List<String> storage = new ArrayList<>();
    Map<String, String> config = new HashMap<>(settings);
    config.put("storage.encryption.kek", "local");
    config.put("storage.encryption.local.key-id", "ci-cache");
    config.forEach((k, v) -> storage.addAll(List.of("--storage", k + "=" + v)));
    Map<String, String> env = Map.of("KAFKA_BACKUP_KEK", key);
    List<String> save = new ArrayList<>(List.of("cache", "save", "-C", work.toString(), "-k", "enc", "-m", "deps",
        "--format", "tar", "--encrypt"));
    save.addAll(storage);
    CliRun saved = CliRun.run(env, save.toArray(String[]::new));
    assertEquals(0, saved.code(), saved.out() + saved.err());
    assertFalse((saved.out() + saved.err()).contains(key));
    try (Stream<ListEntry> entries = backend.list("cache/enc/")) {
      for (ListEntry e : entries.toList()) {
        String stored = new String(backend.get(ObjectKey.of(e.name())), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains("cache-secret-marker-"), e.name() + " holds a file's bytes");
      }
    }
    Path into = dir.resolve("encrypted-restore");
    List<String> restore = new ArrayList<>(List.of("cache", "restore", "-C", into.toString(), "-k", "enc"));
    restore.addAll(storage);
    CliRun restored = CliRun.run(env, restore.toArray(String[]::new));
    assertEquals(0, restored.code(), restored.out() + restored.err());
    assertEquals(tree, FileTrees.snapshot(into.resolve("deps")));
  }

  @Test
  void createOnlySaveRestoreKeysAndFlush() throws IOException {
    Path work = dir.resolve("work");
    Path m = Files.createDirectories(work.resolve("m"));
    Files.writeString(m.resolve("v"), "one");
    assertTrue(cache.save("deps-main-1", work, List.of("m"), SaveOptions.defaults().withOverride(false)).saved());
    Files.writeString(m.resolve("v"), "two");
    assertFalse(cache.save("deps-main-1", work, List.of("m"), SaveOptions.defaults().withOverride(false)).saved(),
        "create-only: the first entry stays");
    awaitNewerTimestamp();
    assertTrue(cache.save("deps-main-2", work, List.of("m"), SaveOptions.defaults().withFormat(ArchiveFormat.GZIP))
        .saved());
    assertTrue(cache.save("deps-main-10", work, List.of("m"), SaveOptions.defaults().withFormat(ArchiveFormat.TAR))
        .saved(), "a key sharing a prefix is a separate entry");

    Path t = dir.resolve("t");
    assertEquals("one", restoreValue("deps-main-1", List.of(), t));
    RestoreResult fallback = cache.restore("deps-feature-1", List.of("deps-feature-", "deps-main-"), t);
    assertFalse(fallback.exact());
    assertTrue(List.of("deps-main-2", "deps-main-10").contains(fallback.entry().orElseThrow().key()),
        "the newest of the prefix's entries: " + fallback.entry().orElseThrow().key());
    assertEquals("two", Files.readString(t.resolve("m/v")));
    assertFalse(cache.restore("deps-main-", List.of(), dir.resolve("miss")).hit(), "a key is never a prefix");

    // An age of minus five minutes selects everything saved until five minutes from now: all three.
    assertEquals(3, cache.flush(new FlushSelector.OlderThan(Duration.ofMinutes(-5)), true).size());
    assertEquals(3, cache.list("").size(), "a dry run deletes nothing");
    assertEquals(List.of("deps-main-1"), cache.flush(new FlushSelector.Key("deps-main-1"), false).stream()
        .map(EntrySummary::key).toList());
    assertEquals(List.of("deps-main-10", "deps-main-2"), cache.list("deps-").stream().map(EntrySummary::key)
        .sorted().toList());
    assertEquals(2, cache.flush(new FlushSelector.Prefix("deps-main-"), false).size());
    assertEquals(List.of(), cache.list(""));
  }

  private String restoreValue(String key, List<String> restoreKeys, Path into) throws IOException {
    assertTrue(cache.restore(key, restoreKeys, into).hit());
    return Files.readString(into.resolve("m/v"));
  }

  /** Object stores keep second-precision modification times: make the next save visibly newer. */
  private static void awaitNewerTimestamp() {
    Instant next = Instant.now().plusMillis(1100);
    while (Instant.now().isBefore(next)) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
