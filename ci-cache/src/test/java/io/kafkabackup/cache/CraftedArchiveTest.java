package io.kafkabackup.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives an attacker could plant in a shared cache bucket, with a correct checksum: each is refused
 * and nothing is written outside the mount, nor anything installed at all.
 */
class CraftedArchiveTest {
  @TempDir
  Path dir;
  private StorageBackend backend;
  private BuildCache cache;
  private Path workdir;

  @BeforeEach
  void open() throws IOException {
    backend = StorageBackends.builder().config(Map.of("storage.backend", "filesystem", "storage.filesystem.root",
        dir.resolve("store").toString())).open();
    cache = new BuildCache(backend, Clock.systemUTC());
    workdir = Files.createDirectories(dir.resolve("a/b/work"));
    Files.writeString(Files.createDirectories(workdir.resolve("m")).resolve("mine.txt"), "before");
  }

  @AfterEach
  void close() {
    backend.close();
  }

  private interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream tar, String name, String target, byte type) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setLinkName(target);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  /** Stores a tar as entry {@code key} with mount {@code m} and a correct length and SHA-256. */
  private void plant(String key, Entries entries) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.write(tar);
    }
    byte[] archive = bytes.toByteArray();
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
    backend.put(ObjectKey.of("cache/" + key + "/archive.tar"), archive);
    CacheEntry entry = new CacheEntry(CacheEntry.FORMAT, key, "archive.tar", "tar", archive.length, sha, List.of("m"),
        1, 0, 0, 1, System.currentTimeMillis(), null);
    backend.put(ObjectKey.of("cache/" + key + "/entry.json"), new ObjectMapper().writeValueAsBytes(entry));
  }

  private void assertRefused(String key, String reason) throws IOException {
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> cache.restore(key, List.of(),
        workdir));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertEquals("before", Files.readString(workdir.resolve("m/mine.txt")), "the mount is untouched");
    try (Stream<Path> all = Files.walk(dir.resolve("a"))) {
      assertEquals(List.of("a", "b", "work", "m", "mine.txt"), all.map(p -> p.getFileName().toString()).toList(),
          "nothing written anywhere, no staging left");
    }
  }

  @Test
  void absolutePath() throws Exception {
    plant("abs", tar -> file(tar, "/" + dir.resolve("a/pwned").toString().substring(1), "x"));
    assertRefused("abs", "absolute");
  }

  @Test
  void dotDotPath() throws Exception {
    plant("dots", tar -> {
      file(tar, "m/ok.txt", "fine");
      file(tar, "m/../../escaped.txt", "x");
    });
    assertRefused("dots", "'..'");
  }

  @Test
  void entryOutsideTheMounts() throws Exception {
    plant("outside", tar -> file(tar, "other/x.txt", "x"));
    assertRefused("outside", "outside the cached mounts");
  }

  @Test
  void symlinkEscapingTheMountThenAFileThroughIt() throws Exception {
    plant("escape", tar -> {
      link(tar, "m/evil", "../..", TarConstants.LF_SYMLINK);
      file(tar, "m/evil/pwned.txt", "x");
    });
    assertRefused("escape", "leaves the mount");
  }

  @Test
  void absoluteSymlink() throws Exception {
    plant("abs-link", tar -> link(tar, "m/passwd", "/etc/passwd", TarConstants.LF_SYMLINK));
    assertRefused("abs-link", "leaves the mount");
  }

  @Test
  void dotDotBehindALinkThatPointsAtTheMountItself() throws Exception {
    plant("chain", tar -> {
      link(tar, "m/sub/self", "..", TarConstants.LF_SYMLINK);
      link(tar, "m/sub/up", "self/..", TarConstants.LF_SYMLINK);
    });
    assertRefused("chain", "leaves the mount");
  }

  @Test
  void writingThroughAnInsideLink() throws Exception {
    plant("through", tar -> {
      link(tar, "m/inner", "sub", TarConstants.LF_SYMLINK);
      file(tar, "m/inner/x.txt", "x");
    });
    assertRefused("through", "written through the symbolic link 'm/inner'");
  }

  @Test
  void hardLink() throws Exception {
    plant("hard", tar -> link(tar, "m/hard", "/etc/passwd", TarConstants.LF_LINK));
    assertRefused("hard", "not allowed");
  }

  @Test
  void aCleanPlantedArchiveDoesInstall() throws Exception {
    plant("clean", tar -> {
      file(tar, "m/new.txt", "from the archive");
      link(tar, "m/alias", "new.txt", TarConstants.LF_SYMLINK);
    });
    assertTrue(cache.restore("clean", List.of(), workdir).hit());
    assertEquals("from the archive", Files.readString(workdir.resolve("m/alias")));
    assertFalse(Files.exists(workdir.resolve("m/mine.txt"), LinkOption.NOFOLLOW_LINKS));
  }
}
