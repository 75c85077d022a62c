package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import java.nio.file.Path;
import java.time.Duration;

/** One process of {@link FileSystemBackendTest#conditionalWritesAreAtomicAcrossProcesses()}. */
public final class ConditionalWriteWorker {
  private ConditionalWriteWorker() {
  }

  /**
   * Increments {@code counter} with if-match retries and claims {@code claim/N} keys with create-only.
   *
   * @param args root directory, worker name, number of increments
   */
  public static void main(String[] args) {
    String name = args[1];
    int increments = Integer.parseInt(args[2]);
    try (FileSystemBackend b = new FileSystemBackend(Path.of(args[0]), KeyPrefix.none(), true, Duration.ofHours(24))) {
      ObjectKey counter = ObjectKey.of("counter");
      for (int i = 0; i < increments; i++) {
        try {
          b.put(ObjectKey.of("claim/" + i), name.getBytes(), PutOptions.createOnly());
          System.out.println("won " + name + " claim/" + i);
        } catch (ObjectAlreadyExistsException lost) {
          // another process claimed it
        }
        while (true) {
          ObjectMetadata meta = b.stat(counter);
          int value = Integer.parseInt(new String(b.get(counter)));
          try {
            b.put(counter, String.valueOf(value + 1).getBytes(), PutOptions.ifMatch(meta.etag()));
            break;
          } catch (PreconditionFailedException stale) {
            // someone else incremented between our read and write: read again
          }
        }
      }
    }
  }
}
