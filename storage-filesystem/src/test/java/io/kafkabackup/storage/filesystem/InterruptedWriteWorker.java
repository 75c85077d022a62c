package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One process of {@link FileSystemBackendTest#aWriteKilledMidwayLeavesATemporaryFileThatListingsRemoveOnceStale}:
 * streams an object a chunk at a time, forever, until it is killed.
 */
public final class InterruptedWriteWorker {
  private InterruptedWriteWorker() {
  }

  /**
   * Writes until killed.
   *
   * @param args root directory, key
   * @throws IOException if the write fails
   */
  public static void main(String[] args) throws IOException {
    try (FileSystemBackend b = new FileSystemBackend(Path.of(args[0]), KeyPrefix.none(), true, Duration.ofHours(24));
        ObjectWriter out = b.openWriter(ObjectKey.of(args[1]), PutOptions.createOnly())) {
      byte[] chunk = new byte[64 * 1024];
      while (true) {
        out.write(chunk);
        out.flush();
        System.out.println("wrote");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
  }
}
