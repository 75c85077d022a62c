package io.kafkabackup.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the commit step of writes and deletes per key, between threads and between processes
 * sharing a root. Keys hash onto a fixed set of lock files under {@code <root>/#locks}, which are created
 * once and never deleted (deleting lock files races with lockers). A POSIX lock belongs to the whole
 * process and is dropped when any descriptor of its file closes, so each stripe also has an in-process
 * lock held around the file lock, shared by every backend on the same root.
 */
final class KeyLocks {
  private static final int STRIPES = 64;
  private static final ConcurrentHashMap<Path, ReentrantLock[]> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path dir;
  private final ReentrantLock[] locks;

  KeyLocks(Path realRoot) throws IOException {
    this.dir = realRoot.resolve("#locks");
    Files.createDirectories(dir);
    this.locks = IN_PROCESS.computeIfAbsent(realRoot, r -> {
      ReentrantLock[] l = new ReentrantLock[STRIPES];
      for (int i = 0; i < STRIPES; i++) {
        l[i] = new ReentrantLock();
      }
      return l;
    });
  }

  /** An action run while holding a key's lock. */
  interface Locked<T> {
    T run() throws IOException;
  }

  @SuppressWarnings("try") // the file lock is held for the block, never read
  <T> T withLock(String fullName, Locked<T> action) throws IOException {
    int stripe = Math.floorMod(fullName.hashCode(), STRIPES);
    ReentrantLock lock = locks[stripe];
    lock.lock();
    try (FileChannel channel = FileChannel.open(dir.resolve(String.format("%02d", stripe)),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock ignored = channel.lock()) {
      return action.run();
    } finally {
      lock.unlock();
    }
  }
}
