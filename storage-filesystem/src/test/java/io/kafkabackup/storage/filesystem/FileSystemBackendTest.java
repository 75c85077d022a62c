package io.kafkabackup.storage.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.tck.ResourceRelease;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the filesystem backend guarantees beyond the shared contract. */
class FileSystemBackendTest {
  @TempDir
  Path dir;

  private FileSystemBackend backend(String prefix) throws IOException {
    Files.createDirectories(dir.resolve("root"));
    return new FileSystemBackend(dir.resolve("root"), KeyPrefix.of(prefix), true, Duration.ofHours(24));
  }

  @Test
  void closeReleasesEveryDescriptorAndThread() throws Exception {
    Files.createDirectories(dir.resolve("root"));
    ResourceRelease.assertCloseReleasesEverything(() -> StorageBackends.builder().config(Map.of("storage.backend",
        "filesystem", "storage.filesystem.root", dir.resolve("root").toString())).open(), false, 16, 3, 200);
  }

  @Test
  void objectsAreFilesAtTheirKeysPathUnderRootAndPrefix() throws IOException {
    try (FileSystemBackend b = backend("prod")) {
      b.put(ObjectKey.of("topics/orders/0/00000000000000000042.log"), "segment".getBytes());
      assertArrayEquals("segment".getBytes(),
          Files.readAllBytes(dir.resolve("root/prod/topics/orders/0/00000000000000000042.log")));
    }
  }

  @Test
  void aFileWrittenByHandHasTheSameEtagInListingsAndStatAndANewOneWhenItChanges() throws IOException {
    try (FileSystemBackend b = backend("")) {
      b.put(ObjectKey.of("made/by-us"), "ours".getBytes());
      Path byHand = dir.resolve("root/made/by-hand");
      Files.write(byHand, "first".getBytes());
      Map<String, String> listed = new TreeMap<>();
      try (Stream<ListEntry> entries = b.list("made/")) {
        entries.forEach(e -> listed.put(((ListEntry.StoredObject) e).key().value(),
            ((ListEntry.StoredObject) e).etag()));
      }
      assertEquals(List.of("made/by-hand", "made/by-us"), List.copyOf(listed.keySet()));
      assertEquals(b.stat(ObjectKey.of("made/by-us")).etag(), listed.get("made/by-us"));
      assertEquals(b.stat(ObjectKey.of("made/by-hand")).etag(), listed.get("made/by-hand"));
      Files.write(byHand, "second, longer".getBytes());
      assertFalse(listed.get("made/by-hand").equals(b.stat(ObjectKey.of("made/by-hand")).etag()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain.log", "ünï 日本 😀", "%41", "#hash", "a:b*c?d\"e<f>g|h", "..x", "+-=_~"})
  void fileNamesEncodeToAsciiAndDecodeBackExactly(String segment) {
    String encoded = FileNames.encode(segment);
    assertTrue(encoded.chars().allMatch(c -> c > 0x20 && c < 0x7f), encoded);
    assertFalse(encoded.startsWith("#"), encoded);
    assertEquals(segment, FileNames.decode(encoded));
  }

  @Test
  void namesTheBackendDidNotWriteAreNotDecoded() {
    assertNull(FileNames.decode("#tmp.123"));
    assertNull(FileNames.decode("bad%zz"));
    assertNull(FileNames.decode("with space"));
    assertNull(FileNames.decode("%FF%FE"), "invalid UTF-8");
  }

  @Test
  void keysCannotEscapeTheRootThroughSymbolicLinks() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "outside data");
    try (FileSystemBackend b = backend("")) {
      Files.createSymbolicLink(dir.resolve("root/link"), outside);
      assertThrows(PermissionDeniedException.class, () -> b.get(ObjectKey.of("link/secret")));
      assertThrows(PermissionDeniedException.class, () -> b.put(ObjectKey.of("link/new"), new byte[1]));
      assertThrows(PermissionDeniedException.class, () -> b.stat(ObjectKey.of("link/secret")));
      assertThrows(PermissionDeniedException.class, () -> b.delete(ObjectKey.of("link/secret")));
      assertFalse(Files.exists(outside.resolve("new")));
      assertTrue(Files.exists(outside.resolve("secret")));

      Files.createSymbolicLink(dir.resolve("root/file-link"), outside.resolve("secret"));
      assertThrows(StorageException.class, () -> b.get(ObjectKey.of("file-link")));
      try (Stream<ListEntry> s = b.list(ListOptions.all())) {
        assertEquals(List.of(), s.toList(), "links are not objects");
      }
      assertThrows(PermissionDeniedException.class, () -> b.list("link/").close());
    }
  }

  @Test
  void anObjectAndAKeyBelowItConflictWithAClearError() throws IOException {
    try (FileSystemBackend b = backend("")) {
      b.put(ObjectKey.of("a"), new byte[1]);
      StorageException e = assertThrows(StorageException.class, () -> b.put(ObjectKey.of("a/b"), new byte[1]));
      assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
      b.put(ObjectKey.of("c/d"), new byte[1]);
      e = assertThrows(StorageException.class, () -> b.put(ObjectKey.of("c"), new byte[1]));
      assertTrue(e.getMessage().contains("'c'"), e.getMessage());
      b.delete(ObjectKey.of("a/b"));
      assertTrue(b.exists(ObjectKey.of("a")), "deleting a key below an object leaves the object alone");
    }
  }

  @Test
  void deletingTheLastObjectOfADirectoryRemovesTheEmptyDirectories() throws IOException {
    try (FileSystemBackend b = backend("p")) {
      b.put(ObjectKey.of("x/y/z"), new byte[1]);
      b.delete(ObjectKey.of("x/y/z"));
      assertFalse(Files.exists(dir.resolve("root/p/x")));
      assertTrue(Files.isDirectory(dir.resolve("root")));

      // In bulk, a directory emptied of its objects and of its emptied subdirectories goes too.
      List<ObjectKey> keys = List.of(ObjectKey.of("a/b/x"), ObjectKey.of("a/y"), ObjectKey.of("c/z"), ObjectKey.of("top"));
      keys.forEach(k -> b.put(k, new byte[1]));
      b.put(ObjectKey.of("c/kept"), new byte[1]);
      b.deleteAll(keys);
      assertFalse(Files.exists(dir.resolve("root/p/a")));
      try (Stream<ListEntry> left = b.list("")) {
        assertEquals(List.of("c/kept"), left.map(ListEntry::name).collect(java.util.stream.Collectors.toList()));
      }
    }
  }

  @Test
  void writersLeaveNoTemporaryFilesBehind() throws IOException {
    try (FileSystemBackend b = backend("")) {
      ObjectWriter aborted = b.openWriter(ObjectKey.of("d/aborted"), PutOptions.overwrite());
      aborted.write(new byte[1000]);
      aborted.abort();
      ObjectWriter committed = b.openWriter(ObjectKey.of("d/committed"), PutOptions.overwrite());
      committed.write(new byte[1000]);
      committed.close();
      try (Stream<Path> files = Files.list(dir.resolve("root/d"))) {
        assertEquals(List.of("committed"), files.map(p -> p.getFileName().toString()).toList());
      }
    }
  }

  @Test
  void filesTheBackendDidNotWriteUnderInvalidNamesAreSkippedByListings() throws IOException {
    try (FileSystemBackend b = backend("")) {
      b.put(ObjectKey.of("ok"), new byte[1]);
      Files.writeString(dir.resolve("root/with space"), "foreign");
      Files.writeString(dir.resolve("root/trailing."), "foreign");
      try (Stream<ListEntry> s = b.list(ListOptions.all())) {
        assertEquals(List.of("ok"), s.map(ListEntry::name).toList());
      }
    }
  }

  /**
   * Several JVMs increment one counter object with if-match retries, and race for create-only keys:
   * no increment may be lost and every key has exactly one winner, which only holds if the commit is
   * atomic across processes.
   */
  @Test
  void conditionalWritesAreAtomicAcrossProcesses() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (FileSystemBackend b = backend("")) {
      b.put(ObjectKey.of("counter"), "0".getBytes());
    }
    int processes = 3;
    int increments = 25;
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      started.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), ConditionalWriteWorker.class.getName(),
          root.toString(), "worker-" + i, String.valueOf(increments))
          .redirectErrorStream(true).start());
    }
    List<String> wins = new ArrayList<>();
    for (Process p : started) {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(2, TimeUnit.MINUTES));
      assertEquals(0, p.exitValue(), output);
      output.lines().filter(l -> l.startsWith("won ")).forEach(wins::add);
    }
    try (FileSystemBackend b = backend("")) {
      assertEquals(String.valueOf(processes * increments), new String(b.get(ObjectKey.of("counter"))));
      for (int k = 0; k < increments; k++) {
        String key = "claim/" + k;
        assertEquals(1, wins.stream().filter(w -> w.endsWith(" " + key)).count(), key + " in " + wins);
        String winner = new String(b.get(ObjectKey.of(key)));
        assertTrue(wins.contains("won " + winner + " " + key), winner + " " + key);
      }
    }
  }

  /**
   * A process killed in the middle of a write leaves its temporary file beside the objects, where no
   * listing shows it; listings and writers remove it once nothing has written it for the grace period,
   * and never touch the file of a write in progress.
   */
  @Test
  void aWriteKilledMidwayLeavesATemporaryFileThatListingsRemoveOnceStale() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), InterruptedWriteWorker.class.getName(), root.toString(),
        "cache/entry.tar").redirectErrorStream(true).start();
    try (FileSystemBackend quick = new FileSystemBackend(root, KeyPrefix.none(), true, Duration.ofSeconds(1))) {
      BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("wrote", lines.readLine());
      // A write in progress, listed again and again for longer than the grace period, keeps its file.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
      while (System.nanoTime() < until) {
        try (Stream<ListEntry> entries = quick.list(ListOptions.prefix(""))) {
          assertEquals(0, entries.count(), "a temporary file is never listed");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      assertEquals(1, tempFiles(root.resolve("cache")).size(), "the live write's file is kept");
      writer.destroyForcibly(); // kill -9
      assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
      List<Path> left = tempFiles(root.resolve("cache"));
      assertEquals(1, left.size(), "the killed write left its file");
      assertTrue(Files.size(left.get(0)) > 0);

      Files.setLastModifiedTime(left.get(0), FileTime.from(Instant.now().minusSeconds(5)));
      try (Stream<ListEntry> entries = quick.list(ListOptions.prefix("cache/"))) {
        assertEquals(0, entries.count());
      }
      assertEquals(List.of(), tempFiles(root.resolve("cache")), "a listing removed the stale file");

      // A writer sweeps the directory it writes into, too.
      Path planted = Files.writeString(root.resolve("cache").resolve("#tmp.planted"), "left over");
      Files.setLastModifiedTime(planted, FileTime.from(Instant.now().minusSeconds(5)));
      Path fresh = Files.writeString(root.resolve("cache").resolve("#tmp.fresh"), "just written");
      quick.put(ObjectKey.of("cache/other"), "x".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(fresh), tempFiles(root.resolve("cache")), "only the stale file is removed");
    } finally {
      writer.destroyForcibly();
    }
  }

  private static List<Path> tempFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("#tmp.")).sorted().collect(Collectors.toList());
    }
  }
}
