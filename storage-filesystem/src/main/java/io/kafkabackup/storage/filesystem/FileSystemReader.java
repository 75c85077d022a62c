package io.kafkabackup.storage.filesystem;

import static io.kafkabackup.storage.filesystem.FileSystemErrors.closeQuietly;
import static io.kafkabackup.storage.filesystem.FileSystemErrors.notFound;
import static io.kafkabackup.storage.filesystem.FileSystemErrors.translate;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectKey;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads an object: the file opened once, without following links, and read through its channel, so a
 * reader keeps the version it opened even if the key is replaced or deleted meanwhile.
 */
final class FileSystemReader extends FilterInputStream {
  private long remaining;

  private FileSystemReader(InputStream in, long limit) {
    super(in);
    this.remaining = limit;
  }

  /** The whole object. */
  static InputStream open(FileSystemPaths paths, ObjectKey key) {
    return Channels.newInputStream(openChannel(paths, key));
  }

  /** A range of the object. */
  static InputStream open(FileSystemPaths paths, ObjectKey key, ByteRange range) {
    FileChannel channel = openChannel(paths, key);
    try {
      long length = range.lengthWithin(channel.size());
      channel.position(range.offset());
      return new FileSystemReader(Channels.newInputStream(channel), length);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof InvalidRangeException) {
        throw new InvalidRangeException("'" + key + "': " + e.getMessage());
      }
      throw e instanceof IOException ? translate((IOException) e, key) : (RuntimeException) e;
    }
  }

  private static FileChannel openChannel(FileSystemPaths paths, ObjectKey key) {
    try {
      Path path = paths.safePath(key);
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw notFound(key);
      }
      return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(Math.min(n, remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
