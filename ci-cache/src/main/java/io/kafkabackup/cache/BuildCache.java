package io.kafkabackup.cache;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.WrappedKey;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.io.input.ReadAheadInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CI build caches on any {@link StorageBackend}: {@link #save} streams the mounts as a tar (optionally
 * gzip or zstd) straight into a new archive object while hashing it, then writes the entry's metadata
 * object, which is the commit point; {@link #restore} finds the exact key or the newest entry of the first
 * restore-key prefix that has one, streams the archive into a staging directory beside the mounts,
 * checks its length and SHA-256, and only then moves the mounts into place; {@link #flush} removes entries
 * by key, prefix or age. A crashed save leaves an archive without metadata, invisible to restores and
 * removed by a later save of the key or by {@link #flush}.
 *
 * <p>Thread-safe as far as the backend is; one instance per backend is enough.
 */
public final class BuildCache {
  private static final Logger LOG = LoggerFactory.getLogger(BuildCache.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.INDENT_OUTPUT, true);
  private static final int STREAM_BUFFER = 256 * 1024;
  /** A save in flight for longer than this is taken for crashed when a later save cleans up. */
  private static final Duration ABANDONED_AFTER = Duration.ofHours(6);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final StorageBackend backend;
  private final Clock clock;
  /** Wraps the data keys of encrypted archives; null when no key-encryption key is configured. */
  private final KeyWrapper kek;

  /**
   * Creates a cache on a backend, without encryption; the caller keeps owning (and closes) the backend.
   *
   * @param backend where entries are stored, under {@code cache/} inside its prefix
   * @param clock the clock of save times and age-based flushes
   */
  public BuildCache(StorageBackend backend, Clock clock) {
    this(backend, clock, null);
  }

  /**
   * Creates a cache on a backend that can encrypt archives and restore encrypted ones.
   *
   * @param backend where entries are stored, under {@code cache/} inside its prefix
   * @param clock the clock of save times and age-based flushes
   * @param kek the key-encryption key service (owned and closed by the caller), or null
   */
  public BuildCache(StorageBackend backend, Clock clock, KeyWrapper kek) {
    this.backend = backend;
    this.clock = clock;
    this.kek = kek;
  }

  /**
   * Archives {@code mounts} under {@code key}.
   *
   * @param key the cache key (already rendered, see {@link KeyTemplate})
   * @param workdir the directory the mounts are relative to
   * @param mounts paths to cache, relative to {@code workdir}, none inside another
   * @param options format, level, links and override
   * @return what was saved, or that an existing entry was kept
   * @throws CacheException for a bad key or mount, or a file that changed while it was archived
   */
  public SaveResult save(String key, Path workdir, List<String> mounts, SaveOptions options) {
    long start = System.nanoTime();
    CacheLayout.checkKey(key, "save");
    List<String> checked = SafePaths.checkMounts(mounts);
    for (String mount : checked) {
      if (!Files.exists(workdir.resolve(mount), LinkOption.NOFOLLOW_LINKS)) {
        throw new CacheException("mount '" + mount + "' does not exist under " + workdir);
      }
    }
    ObjectKey entryObject = CacheLayout.entryObject(key);
    Optional<CacheEntry> previous = read(entryObject);
    if (previous.isPresent() && !options.override()) {
      LOG.info("cache key '{}' exists; not saved (override is off)", key);
      return new SaveResult(key, false, Optional.empty(), List.of(), Duration.ofNanos(System.nanoTime() - start));
    }
    ArchiveFormat format = options.format();
    if (options.encrypt() && kek == null) {
      throw new CacheException("save of cache key '" + key + "': encryption was asked for and no key-encryption key "
          + "is configured (storage.encryption.kek)");
    }
    String archive = "archive-" + clock.millis() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
        .nextInt()) + format.extension();
    ObjectKey archiveObject = CacheLayout.archiveObject(key, archive);
    ObjectWriter writer = backend.openWriter(archiveObject, PutOptions.createOnly());
    HashingStreams.Out hashed = new HashingStreams.Out(writer);
    TreeArchiver.Stats stats;
    CacheEntry.Encryption envelope = null;
    try {
      OutputStream stored = new BufferedOutputStream(hashed, STREAM_BUFFER);
      if (options.encrypt()) {
        byte[] dataKeyId = new byte[16];
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKeyId);
        RANDOM.nextBytes(dataKey);
        try {
          WrappedKey wrapped = kek.wrap(dataKey);
          envelope = new CacheEntry.Encryption(HexFormat.of().formatHex(dataKeyId), kek.type(), wrapped.keyId(),
              Base64.getEncoder().encodeToString(wrapped.bytes()));
          stored = SealedArchive.seal(stored, new SecretKeySpec(dataKey, "AES"), dataKeyId);
        } finally {
          Arrays.fill(dataKey, (byte) 0);
        }
      }
      OutputStream compressed = format.compress(stored, options.level());
      try {
        stats = TreeArchiver.write(workdir, checked, options.skipSymlinks(), compressed);
      } finally {
        // Ends the compressed stream (and frees native zstd state) even on failure; the writer is
        // committed below only on success.
        compressed.close();
      }
      writer.close();
    } catch (IOException | RuntimeException e) {
      writer.abort();
      if (e instanceof CacheException c) {
        throw c;
      }
      throw e instanceof IOException io ? new CacheException("save of cache key '" + key + "': " + io.getMessage(),
          io) : (RuntimeException) e;
    }
    CacheEntry entry = new CacheEntry(envelope == null ? CacheEntry.FORMAT : CacheEntry.ENCRYPTED_FORMAT, key, archive,
        format.configName(), hashed.count(), hashed.sha256(), checked, stats.files(), stats.directories(),
        stats.symlinks(), stats.contentBytes(), clock.millis(), envelope);
    try {
      backend.put(entryObject, JSON.writeValueAsBytes(entry),
          options.override() ? PutOptions.overwrite() : PutOptions.createOnly());
    } catch (ObjectAlreadyExistsException e) {
      backend.delete(archiveObject);
      LOG.info("cache key '{}' was saved concurrently; not saved (override is off)", key);
      return new SaveResult(key, false, Optional.empty(), stats.skippedLinks(),
          Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      backend.delete(archiveObject);
      throw new UncheckedIOException(e);
    }
    removeStaleArchives(key, archive, previous);
    if (!stats.skippedLinks().isEmpty()) {
      LOG.warn("cache key '{}': {} symbolic link(s) point outside their mount and were not saved: {}", key,
          stats.skippedLinks().size(), stats.skippedLinks());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("saved cache key '{}': {} files, {} bytes as {} bytes of {} in {} ms", key, stats.files(),
        stats.contentBytes(), entry.archiveBytes(), format.configName(), took.toMillis());
    return new SaveResult(key, true, Optional.of(entry), stats.skippedLinks(), took);
  }

  /** Deletes the replaced archive and archives of saves that crashed long ago. */
  private void removeStaleArchives(String key, String current, Optional<CacheEntry> previous) {
    Instant abandoned = clock.instant().minus(ABANDONED_AFTER);
    List<ObjectKey> stale = new ArrayList<>();
    previous.filter(p -> !p.archive().equals(current))
        .ifPresent(p -> stale.add(CacheLayout.archiveObject(key, p.archive())));
    try (Stream<ListEntry> objects = backend.list(CacheLayout.entryPrefix(key))) {
      objects.filter(ListEntry.StoredObject.class::isInstance).map(ListEntry.StoredObject.class::cast)
          .filter(o -> !o.key().value().endsWith("/" + current) && !o.key().value().endsWith("/" + CacheLayout.ENTRY))
          .filter(o -> o.lastModified().isBefore(abandoned))
          .forEach(o -> stale.add(o.key()));
    }
    if (!stale.isEmpty()) {
      backend.deleteAll(stale);
    }
  }

  /**
   * Finds an entry and installs its mounts under {@code workdir}: the exact {@code key} first, then for
   * each restore key in order the newest entry whose key starts with it.
   *
   * @param key the exact cache key
   * @param restoreKeys key prefixes to fall back on, in order
   * @param workdir the directory the entry's mounts are installed under; created if missing
   * @return the entry installed, or a miss
   * @throws CacheIntegrityException if the archive is incomplete or its checksum differs (nothing installed)
   * @throws UnsafeArchiveException if an entry would land outside its mount (nothing installed)
   */
  public RestoreResult restore(String key, List<String> restoreKeys, Path workdir) {
    long start = System.nanoTime();
    CacheLayout.checkKey(key, "restore");
    Optional<CacheEntry> found = read(CacheLayout.entryObject(key));
    for (int i = 0; found.isEmpty() && i < restoreKeys.size(); i++) {
      found = newest(restoreKeys.get(i));
    }
    if (found.isEmpty()) {
      LOG.info("cache miss: no entry for key '{}'{}", key, restoreKeys.isEmpty() ? "" : " or restore keys "
          + restoreKeys);
      return new RestoreResult(key, Optional.empty(), Duration.ofNanos(System.nanoTime() - start));
    }
    CacheEntry entry = found.get();
    install(entry, workdir);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("restored cache key '{}'{}: {} files, {} bytes in {} ms", entry.key(), entry.key().equals(key) ? ""
        : " (restore key match for '" + key + "')", entry.files(), entry.contentBytes(), took.toMillis());
    return new RestoreResult(key, Optional.of(entry), took);
  }

  private Optional<CacheEntry> newest(String keyPrefix) {
    List<EntrySummary> matches = list(keyPrefix).stream().filter(EntrySummary::complete)
        .sorted(Comparator.comparing(EntrySummary::savedAt).reversed()).toList();
    for (EntrySummary match : matches) {
      Optional<CacheEntry> entry = read(CacheLayout.entryObject(match.key()));
      if (entry.isPresent()) {
        return entry;
      }
    }
    return Optional.empty();
  }

  private void install(CacheEntry entry, Path workdir) {
    ArchiveFormat format = ArchiveFormat.of(entry.archiveFormat());
    List<String> mounts = SafePaths.checkMounts(entry.mounts());
    ObjectKey archiveObject = CacheLayout.archiveObject(entry.key(), entry.archive());
    Path staging;
    try {
      Files.createDirectories(workdir);
      staging = Files.createTempDirectory(workdir, ".kafka-backup-cache-");
    } catch (IOException e) {
      throw new CacheException("restore of cache key '" + entry.key() + "': cannot create a staging directory in "
          + workdir + ": " + e.getMessage(), e);
    }
    try {
      Path tree = Files.createDirectory(staging.resolve("tree"));
      extract(entry, format, archiveObject, tree, mounts);
      move(entry, workdir, tree, Files.createDirectory(staging.resolve("previous")), mounts);
    } catch (IOException e) {
      throw new CacheException("restore of cache key '" + entry.key() + "': " + e.getMessage(), e);
    } finally {
      deleteTree(staging);
    }
  }

  private void extract(CacheEntry entry, ArchiveFormat format, ObjectKey archiveObject, Path tree,
      List<String> mounts) {
    HashingStreams.In hashed;
    try (InputStream raw = backend.openStream(archiveObject)) {
      hashed = new HashingStreams.In(raw);
      InputStream buffered = new BufferedInputStream(hashed, STREAM_BUFFER);
      if (entry.encryption() != null) {
        // Each chunk reaches the decompressor only once its tag checked out: nothing unauthenticated is extracted.
        buffered = SealedArchive.open(buffered, id -> dataKey(entry, id));
      }
      // Download, hashing and decompression run on a read-ahead thread (one buffer ahead, so memory
      // stays bounded) while this thread parses tar headers and writes files: two cores, as a shell's
      // "download | zstd -d | tar -x" uses.
      try (InputStream in = ReadAheadInputStream.builder().setInputStream(format.decompress(buffered))
          .setBufferSize(STREAM_BUFFER).get()) {
        TreeExtractor.extract(in, tree, mounts);
        HashingStreams.drain(in);
      }
    } catch (ObjectNotFoundException e) {
      throw new CacheIntegrityException("cache key '" + entry.key() + "': its archive " + archiveObject
          + " is gone (flushed or replaced while restoring)", e);
    } catch (IOException e) {
      throw new CacheIntegrityException("cache key '" + entry.key() + "': archive " + archiveObject
          + " is damaged or incomplete: " + e.getMessage(), e);
    }
    if (hashed.count() != entry.archiveBytes()) {
      throw new CacheIntegrityException("cache key '" + entry.key() + "': archive " + archiveObject + " is "
          + hashed.count() + " bytes, its entry says " + entry.archiveBytes(), null);
    }
    String sha = hashed.sha256();
    if (!sha.equals(entry.sha256())) {
      throw new CacheIntegrityException("cache key '" + entry.key() + "': archive " + archiveObject
          + " has SHA-256 " + sha + ", its entry says " + entry.sha256(), null);
    }
  }

  /** Unwraps an encrypted entry's data key, refusing one whose id differs from the archive's header. */
  private SecretKey dataKey(CacheEntry entry, byte[] headerKeyId) {
    CacheEntry.Encryption envelope = entry.encryption();
    String wrappedBy = envelope.kekProvider() + " key '" + envelope.kekId() + "'";
    if (!HexFormat.of().formatHex(headerKeyId).equals(envelope.dataKeyId())) {
      throw new CacheIntegrityException("cache key '" + entry.key() + "': its archive names data key "
          + HexFormat.of().formatHex(headerKeyId) + ", its entry " + envelope.dataKeyId(), null);
    }
    if (kek == null || !kek.type().equals(envelope.kekProvider())) {
      throw new CacheException("cache key '" + entry.key() + "' is encrypted (data key wrapped by " + wrappedBy
          + ") and " + (kek == null ? "no key-encryption key is configured" : "the configured provider is " + kek.type()));
    }
    byte[] plain;
    try {
      plain = kek.unwrap(envelope.kekId(), Base64.getDecoder().decode(envelope.wrappedKey()));
    } catch (KeyUnavailableException e) {
      throw new CacheException("cache key '" + entry.key() + "': its data key " + envelope.dataKeyId() + " (wrapped by "
          + wrappedBy + ") cannot be unwrapped: " + e.getMessage(), e);
    }
    try {
      return new SecretKeySpec(plain, "AES");
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Swaps each mount for its restored tree; on a failure, puts back what was moved so far. */
  private static void move(CacheEntry entry, Path workdir, Path tree, Path previous, List<String> mounts)
      throws IOException {
    Map<Path, Path> displaced = new LinkedHashMap<>();
    List<Path> installed = new ArrayList<>();
    try {
      for (int i = 0; i < mounts.size(); i++) {
        Path source = tree.resolve(mounts.get(i));
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Path target = workdir.resolve(mounts.get(i));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Path aside = previous.resolve(Integer.toString(i));
          Files.move(target, aside);
          displaced.put(target, aside);
        }
        Files.createDirectories(target.getParent());
        Files.move(source, target);
        installed.add(target);
      }
    } catch (IOException e) {
      for (Path target : installed) {
        deleteTree(target);
      }
      for (Map.Entry<Path, Path> d : displaced.entrySet()) {
        Files.move(d.getValue(), d.getKey());
      }
      throw new IOException("cannot move the restored mounts of '" + entry.key() + "' into " + workdir + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Removes the entries a selector picks, metadata first so a restore never sees half an entry.
   *
   * @param selector by key, prefix or age
   * @param dryRun only report what would be removed
   * @return the entries removed (or that would be)
   */
  public List<EntrySummary> flush(FlushSelector selector, boolean dryRun) {
    Instant now = clock.instant();
    List<EntrySummary> selected = list(selector.keyPrefix()).stream().filter(e -> selector.selects(e, now)).toList();
    if (!dryRun) {
      for (EntrySummary entry : selected) {
        backend.delete(CacheLayout.entryObject(entry.key()));
        List<ObjectKey> rest;
        try (Stream<ListEntry> objects = backend.list(CacheLayout.entryPrefix(entry.key()))) {
          rest = objects.filter(ListEntry.StoredObject.class::isInstance)
              .map(o -> ((ListEntry.StoredObject) o).key()).toList();
        }
        if (!rest.isEmpty()) {
          backend.deleteAll(rest);
        }
        LOG.info("flushed cache key '{}'", entry.key());
      }
    }
    return selected;
  }

  /**
   * Lists entries whose key starts with a prefix, in key order, including saves that never finished.
   *
   * @param keyPrefix a key prefix; empty for all
   * @return one summary per key
   */
  public List<EntrySummary> list(String keyPrefix) {
    Map<String, List<ListEntry.StoredObject>> byKey = new LinkedHashMap<>();
    try (Stream<ListEntry> objects = backend.list(CacheLayout.listPrefix(keyPrefix))) {
      objects.filter(ListEntry.StoredObject.class::isInstance).map(ListEntry.StoredObject.class::cast)
          .forEach(o -> {
            String name = o.key().value();
            int slash = name.indexOf('/', CacheLayout.ROOT.length() + 1);
            if (slash > 0) {
              byKey.computeIfAbsent(CacheLayout.decode(name.substring(CacheLayout.ROOT.length() + 1, slash)),
                  k -> new ArrayList<>()).add(o);
            }
          });
    }
    List<EntrySummary> out = new ArrayList<>();
    byKey.forEach((key, objects) -> {
      if (!key.startsWith(keyPrefix)) {
        return;
      }
      Optional<ListEntry.StoredObject> meta = objects.stream()
          .filter(o -> CacheLayout.keyOfEntryObject(o.key()).isPresent()).findFirst();
      Instant savedAt = meta.map(ListEntry.StoredObject::lastModified).orElseGet(() -> objects.stream()
          .map(ListEntry.StoredObject::lastModified).max(Comparator.naturalOrder()).orElseThrow());
      out.add(new EntrySummary(key, savedAt, objects.stream().mapToLong(ListEntry.StoredObject::size).sum(),
          meta.isPresent()));
    });
    return out;
  }

  private Optional<CacheEntry> read(ObjectKey entryObject) {
    byte[] bytes;
    try {
      bytes = backend.get(entryObject);
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    try {
      CacheEntry entry = JSON.readValue(bytes, CacheEntry.class);
      if (entry.format() != CacheEntry.FORMAT && entry.format() != CacheEntry.ENCRYPTED_FORMAT
          || (entry.format() == CacheEntry.ENCRYPTED_FORMAT) != (entry.encryption() != null)) {
        throw new CacheException("cache entry " + entryObject + " has format " + entry.format()
            + (entry.encryption() == null ? "" : " with encryption") + "; this version reads formats "
            + CacheEntry.FORMAT + " (plain) and " + CacheEntry.ENCRYPTED_FORMAT + " (encrypted)");
      }
      return Optional.of(entry);
    } catch (IOException e) {
      throw new CacheException("cache entry " + entryObject + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          // A restored read-only directory must become writable to be emptied.
          dir.toFile().setWritable(true, true);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", root, e.getMessage());
    }
  }
}
