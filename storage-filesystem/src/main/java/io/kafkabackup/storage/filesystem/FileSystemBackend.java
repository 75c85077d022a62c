package io.kafkabackup.storage.filesystem;

import static io.kafkabackup.storage.filesystem.FileSystemErrors.translate;

import io.kafkabackup.storage.BulkDeleteException;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.Capabilities;
import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.kit.StreamUploads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A {@link StorageBackend} on a local or mounted filesystem.
 *
 * <p>Each object is one file under the root, its key segments becoming directories (see
 * {@code FileNames} for how names are encoded, {@code FileSystemPaths} for how keys stay inside the
 * root). Writes go to a temporary file in the target directory, are fsync'ed and then renamed into
 * place, so readers never see a partial object ({@code FileSystemWriter}). Create-only commits with
 * {@code link(2)}, which fails atomically if the name is taken; every commit and delete of a key runs
 * under a per-key lock shared by threads and processes, so if-match is a true compare-and-swap. The
 * etag is a random version id stored in an extended attribute, as are content type and user metadata
 * ({@code FileSystemMetadata}).
 *
 * <p>Unlike object stores, a filesystem cannot hold both an object {@code a} and an object {@code a/b}:
 * such a write fails with a {@link StorageException} naming both keys.
 */
public final class FileSystemBackend implements StorageBackend {
  private final FileSystemContext context;
  private final FileSystemPaths paths;
  private final FileSystemLister lister;

  /**
   * Opens a backend on an existing directory; the provider calls this.
   *
   * @param root the directory that holds every object
   * @param prefix the part of the tree this backend is confined to
   * @param fsync whether to fsync files and directories on commit (turn off only for scratch data)
   * @param tempFileGrace how long a temporary file may go unwritten before it counts as a dead write's
   * @throws StorageException if the root is not a writable directory
   */
  FileSystemBackend(Path root, KeyPrefix prefix, boolean fsync, Duration tempFileGrace) {
    Objects.requireNonNull(prefix, "prefix");
    try {
      Path realRoot = root.toRealPath();
      if (!Files.isDirectory(realRoot)) {
        throw new StorageException("storage root " + root + " is not a directory");
      }
      this.paths = new FileSystemPaths(realRoot, prefix);
      this.context = new FileSystemContext(paths, new FileSystemMetadata(realRoot), new KeyLocks(realRoot), fsync,
          new StaleTempFiles(tempFileGrace), new AtomicBoolean());
      this.lister = new FileSystemLister(context);
    } catch (IOException e) {
      throw new StorageException("cannot use storage root " + root + ": " + e, e);
    }
  }

  @Override
  public String type() {
    return FileSystemBackendProvider.TYPE;
  }

  @Override
  public KeyPrefix prefix() {
    return paths.prefix();
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(context.metadata().stored());
  }

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    try {
      return StreamUploads.write(openWriter(key, options), data, length);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    context.ensureOpen();
    context.metadata().checkSupported(options);
    try {
      return new FileSystemWriter(context, key, options);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    context.ensureOpen();
    return FileSystemReader.open(paths, key);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    context.ensureOpen();
    return FileSystemReader.open(paths, key, range);
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    context.ensureOpen();
    try {
      return context.metadata().read(key, paths.safePath(key));
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    context.ensureOpen();
    return lister.list(options);
  }

  @Override
  public void delete(ObjectKey key) {
    context.ensureOpen();
    try {
      Path path = unlink(key);
      if (path != null) {
        context.syncDirectory(path.getParent());
        pruneEmptyDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  /** Deletes each key, then syncs each directory once rather than once per key. */
  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    context.ensureOpen();
    List<ObjectKey> failed = new ArrayList<>();
    List<StorageException> errors = new ArrayList<>();
    Map<Path, List<ObjectKey>> deletedIn = new LinkedHashMap<>();
    for (ObjectKey key : keys) {
      try {
        Path path = unlink(key);
        if (path != null) {
          deletedIn.computeIfAbsent(path.getParent(), d -> new ArrayList<>()).add(key);
        }
      } catch (IOException e) {
        failed.add(key);
        errors.add(translate(e, key));
      } catch (StorageException e) {
        failed.add(key);
        errors.add(e);
      }
    }
    // Sync every directory before pruning any: pruning one may remove its emptied parent.
    for (Map.Entry<Path, List<ObjectKey>> dir : deletedIn.entrySet()) {
      try {
        context.syncDirectory(dir.getKey());
      } catch (NoSuchFileException e) {
        // pruned meanwhile by a concurrent delete: nothing left in it to make durable
      } catch (IOException e) {
        failed.addAll(dir.getValue());
        errors.add(translate(e, dir.getValue().get(0)));
      }
    }
    deletedIn.keySet().forEach(this::pruneEmptyDirectories);
    if (!errors.isEmpty()) {
      throw new BulkDeleteException(failed, errors);
    }
  }

  /** Removes the key's file under its lock; returns its path, or {@code null} if there was none. */
  private Path unlink(ObjectKey key) throws IOException {
    Path path = paths.safePath(key);
    try {
      boolean deleted = context.locks().withLock(paths.prefix().apply(key),
          () -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(path));
      return deleted ? path : null;
    } catch (NoSuchFileException e) {
      return null; // already gone: delete is idempotent
    }
  }

  private void pruneEmptyDirectories(Path dir) {
    Path root = paths.root();
    Path d = dir;
    while (d != null && !d.equals(root) && d.startsWith(root) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        return; // not empty (or already gone / in use): stop pruning
      }
      d = d.getParent();
    }
  }

  @Override
  public void close() {
    context.closed().set(true);
  }

  @Override
  public String toString() {
    return "FileSystemBackend{root=" + paths.root() + ", prefix=" + paths.prefix() + "}";
  }
}
