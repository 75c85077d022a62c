package io.kafkabackup.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a filesystem backend shares with its writers and listings.
 *
 * @param paths where keys live
 * @param metadata how metadata is stored
 * @param locks the per-key locks of commits and deletes
 * @param fsync whether files and directories are fsync'ed on commit
 * @param staleTempFiles removes what writes that never finished left behind
 * @param closed set when the backend closes
 */
record FileSystemContext(FileSystemPaths paths, FileSystemMetadata metadata, KeyLocks locks, boolean fsync,
    StaleTempFiles staleTempFiles, AtomicBoolean closed) {

  void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("storage backend is closed");
    }
  }

  /** Makes a directory's entries durable, when fsync is on. */
  void syncDirectory(Path dir) throws IOException {
    if (fsync) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }
}
