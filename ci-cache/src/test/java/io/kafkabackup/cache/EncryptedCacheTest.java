package io.kafkabackup.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted cache archives: the store holds none of the files' bytes, a restore with the key installs
 * them, and a tampered, reordered or truncated archive, a missing key or the wrong one is refused with
 * nothing installed.
 */
class EncryptedCacheTest {
  private static final String MARKER = "build-output-secret-token-0123456789";
  @TempDir
  Path dir;
  private StorageBackend backend;
  private KeyWrapper kek;
  private Path workdir;

  @BeforeEach
  void open() throws Exception {
    backend = StorageBackends.builder().config(Map.of("storage.backend", "filesystem", "storage.filesystem.root",
        dir.resolve("store").toString())).open();
    kek = local("cache-k1", new byte[32]);
    workdir = Files.createDirectories(dir.resolve("work"));
    Path m = Files.createDirectories(workdir.resolve("m"));
    Random random = new Random(5);
    for (int i = 0; i < 40; i++) {
      byte[] noise = new byte[70_000]; // incompressible: the archive spans several 1 MiB chunks
      random.nextBytes(noise);
      Files.write(m.resolve("noise-" + i), noise);
      Files.writeString(m.resolve("text-" + i + ".txt"), MARKER + " " + i);
    }
  }

  @AfterEach
  void close() {
    kek.close();
    backend.close();
  }

  private static KeyWrapper local(String id, byte[] key) {
    return KeyWrappers.open(Map.of("storage.encryption.kek", "local", "storage.encryption.local.key-id", id,
        "storage.encryption.local.key", Base64.getEncoder().encodeToString(key)), Map.of(),
        EncryptedCacheTest.class.getClassLoader()).orElseThrow();
  }

  private CacheEntry save(String key) {
    BuildCache cache = new BuildCache(backend, Clock.systemUTC(), kek);
    return cache.save(key, workdir, List.of("m"), SaveOptions.defaults().withFormat(ArchiveFormat.TAR).withEncrypt(true))
        .entry().orElseThrow();
  }

  private ObjectKey archive(CacheEntry entry) {
    return ObjectKey.of("cache/" + entry.key() + "/" + entry.archive());
  }

  @Test
  void anEncryptedArchiveHoldsNoPlaintextAndRestoresWithItsKey() throws Exception {
    CacheEntry entry = save("enc");
    assertEquals(CacheEntry.ENCRYPTED_FORMAT, entry.format());
    assertEquals("cache-k1", entry.encryption().kekId());
    byte[] stored = backend.get(archive(entry));
    assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(MARKER), "the archive holds file bytes");
    Path target = Files.createDirectories(dir.resolve("restored"));
    new BuildCache(backend, Clock.systemUTC(), kek).restore("enc", List.of(), target);
    assertEquals(MARKER + " 7", Files.readString(target.resolve("m/text-7.txt")));
    assertEquals(Files.readAllBytes(workdir.resolve("m/noise-3")).length,
        Files.readAllBytes(target.resolve("m/noise-3")).length);
  }

  @Test
  void aTamperedArchiveWithACorrectedChecksumIsRefusedBeforeAnythingIsInstalled() throws Exception {
    CacheEntry entry = save("tampered");
    byte[] stored = backend.get(archive(entry));
    stored[stored.length / 2] ^= 1;
    replace(entry, stored);
    assertRefused("tampered", "fails its authentication tag");
  }

  @Test
  void swappedAndDroppedChunksAreRefused() throws Exception {
    CacheEntry entry = save("chunks");
    byte[] stored = backend.get(archive(entry));
    List<int[]> chunks = chunks(stored);
    assertTrue(chunks.size() >= 3, "several chunks: " + chunks.size());
    int[] a = chunks.get(0);
    int[] b = chunks.get(1);
    byte[] swapped = stored.clone();
    System.arraycopy(stored, b[0], swapped, a[0], b[1]);
    System.arraycopy(stored, a[0], swapped, a[0] + b[1], a[1]);
    replace(entry, swapped);
    assertRefused("chunks", "chunk 0");
    int[] last = chunks.get(chunks.size() - 1);
    replace(entry, java.util.Arrays.copyOf(stored, last[0]));
    assertRefused("chunks", "ends before its last chunk");
  }

  @Test
  void aMissingOrWrongKeyIsRefusedNamingTheKey() throws Exception {
    save("keyed");
    Path target = Files.createDirectories(dir.resolve("none"));
    CacheException none = assertThrows(CacheException.class,
        () -> new BuildCache(backend, Clock.systemUTC()).restore("keyed", List.of(), target));
    assertTrue(none.getMessage().contains("local key 'cache-k1'") && none.getMessage().contains("no key-encryption"),
        none.getMessage());
    byte[] other = new byte[32];
    other[0] = 1;
    try (KeyWrapper wrong = local("cache-k1", other)) {
      CacheException refused = assertThrows(CacheException.class,
          () -> new BuildCache(backend, Clock.systemUTC(), wrong).restore("keyed", List.of(), target));
      assertTrue(refused.getMessage().contains("does not unwrap"), refused.getMessage());
    }
    try (java.util.stream.Stream<Path> files = Files.list(target)) {
      assertEquals(0, files.count(), "nothing installed");
    }
    CacheException notConfigured = assertThrows(CacheException.class, () -> new BuildCache(backend, Clock.systemUTC())
        .save("plain", workdir, List.of("m"), SaveOptions.defaults().withEncrypt(true)));
    assertTrue(notConfigured.getMessage().contains("storage.encryption.kek"), notConfigured.getMessage());
  }

  /** Stores altered archive bytes with an entry whose length and SHA-256 match them, as an attacker could. */
  private void replace(CacheEntry entry, byte[] bytes) throws Exception {
    backend.put(archive(entry), bytes);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    CacheEntry forged = new CacheEntry(entry.format(), entry.key(), entry.archive(), entry.archiveFormat(), bytes.length,
        sha, entry.mounts(), entry.files(), entry.directories(), entry.symlinks(), entry.contentBytes(),
        entry.createdAtMillis(), entry.encryption());
    backend.put(ObjectKey.of("cache/" + entry.key() + "/entry.json"), new ObjectMapper().writeValueAsBytes(forged));
  }

  private void assertRefused(String key, String detail) throws Exception {
    Path target = Files.createDirectories(dir.resolve("target-" + System.nanoTime()));
    Files.writeString(Files.createDirectories(target.resolve("m")).resolve("mine.txt"), "before");
    CacheIntegrityException e = assertThrows(CacheIntegrityException.class,
        () -> new BuildCache(backend, Clock.systemUTC(), kek).restore(key, List.of(), target));
    assertTrue(e.getMessage().contains(detail), e.getMessage());
    try (java.util.stream.Stream<Path> files = Files.list(target.resolve("m"))) {
      assertEquals(List.of(target.resolve("m/mine.txt")), files.toList(), "nothing installed");
    }
  }

  /** Each chunk's start and length (its 4-byte length included), after the 24-byte header. */
  private static List<int[]> chunks(byte[] stored) {
    List<int[]> chunks = new java.util.ArrayList<>();
    int pos = 24;
    while (pos < stored.length) {
      int length = ByteBuffer.wrap(stored, pos, 4).getInt() & 0x7fff_ffff;
      chunks.add(new int[] {pos, 4 + length});
      pos += 4 + length;
    }
    return chunks;
  }
}
