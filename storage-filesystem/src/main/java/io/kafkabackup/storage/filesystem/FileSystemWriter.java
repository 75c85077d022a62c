package io.kafkabackup.storage.filesystem;

import static io.kafkabackup.storage.filesystem.FileSystemErrors.closeQuietly;
import static io.kafkabackup.storage.filesystem.FileSystemErrors.conflict;
import static io.kafkabackup.storage.filesystem.FileSystemErrors.translate;

import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.AbstractObjectWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes one object: bytes go to a temporary file beside the target, which is fsync'ed and then
 * committed under the key's lock — linked for create-only (which fails atomically if the name is
 * taken), renamed over the target otherwise, after comparing etags for if-match. Readers never see a
 * partial object; a writer dropped without close or abort has its file removed by a cleaner.
 */
final class FileSystemWriter extends AbstractObjectWriter {
  private static final int WRITE_BUFFER = 64 * 1024;
  private static final Cleaner CLEANER = Cleaner.create();

  private final FileSystemContext context;
  private final PutOptions options;
  private final Path target;
  private final TempFile temp;
  private final Cleaner.Cleanable cleanable;
  private final OutputStream out;

  FileSystemWriter(FileSystemContext context, ObjectKey key, PutOptions options) throws IOException {
    super(key);
    this.context = context;
    this.options = options;
    this.target = context.paths().pathOf(key);
    this.temp = createTempFile(key, target);
    this.cleanable = CLEANER.register(this, temp);
    this.out = new BufferedOutputStream(Channels.newOutputStream(temp.channel), WRITE_BUFFER);
  }

  /** The temporary file of a write in progress; also what the cleaner removes if a writer is dropped. */
  private static final class TempFile implements Runnable {
    final Path path;
    final FileChannel channel;
    volatile boolean committed;

    TempFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public void run() {
      closeQuietly(channel);
      if (!committed) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // Temporary files are invisible to listings; nothing more to do.
        }
      }
    }
  }

  @Override
  protected void doWrite(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  protected ObjectMetadata doCommit() throws IOException {
    try {
      out.flush();
      context.metadata().writeNewVersion(temp.path, options);
      if (context.fsync()) {
        temp.channel.force(true);
      }
      temp.channel.close();
      context.ensureOpen();
      ObjectMetadata meta = context.locks().withLock(context.paths().prefix().apply(key()), () -> {
        commit();
        temp.committed = true;
        return context.metadata().read(key(), target);
      });
      context.syncDirectory(target.getParent());
      return meta;
    } catch (IOException e) {
      throw translate(e, key());
    } finally {
      cleanable.clean();
    }
  }

  @Override
  protected void doAbort() {
    cleanable.clean();
  }

  private TempFile createTempFile(ObjectKey key, Path target) throws IOException {
    Path dir = target.getParent();
    // A concurrent delete may prune the directory between creating it and the temp file: try again.
    for (int attempt = 0; ; attempt++) {
      try {
        try {
          Files.createDirectories(dir);
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
          throw conflict(key);
        }
        context.paths().checkInsideRoot(dir, key);
        context.staleTempFiles().sweepIfDue(dir);
        Path path = dir.resolve(FileSystemPaths.TEMP_PREFIX + FileSystemPaths.randomId());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
        return new TempFile(path, channel);
      } catch (NoSuchFileException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Puts the temporary file in place as the write mode says; runs under the key's lock. */
  private void commit() throws IOException {
    ObjectKey key = key();
    WriteMode mode = options.mode();
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw conflict(key);
    }
    if (mode instanceof WriteMode.CreateOnly) {
      try {
        Files.createLink(target, temp.path);
      } catch (FileAlreadyExistsException e) {
        throw new ObjectAlreadyExistsException("object '" + key + "' already exists");
      } finally {
        Files.deleteIfExists(temp.path);
      }
      return;
    }
    if (mode instanceof WriteMode.IfMatch) {
      String expected = ((WriteMode.IfMatch) mode).etag();
      String current;
      try {
        current = context.metadata().read(key, target).etag();
      } catch (NoSuchFileException | ObjectNotFoundException e) {
        throw new PreconditionFailedException("if-match write of '" + key + "' failed: the object does not exist");
      }
      if (!current.equals(expected)) {
        throw new PreconditionFailedException("if-match write of '" + key + "' failed: expected etag "
            + expected + " but the object is at " + current);
      }
    }
    Files.move(temp.path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
