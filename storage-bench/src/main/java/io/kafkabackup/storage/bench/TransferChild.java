package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs in a JVM that {@link MemoryProbe} starts with a small heap: uploads {@code size} bytes of an
 * unknown-length stream through a backend opened from {@code key=value} arguments, streams it back,
 * checks the SHA-256 and prints the process's peak resident set size.
 */
public final class TransferChild {
  private TransferChild() {
  }

  /**
   * Runs one transfer.
   *
   * @param args the size in bytes, then {@code storage.*=value} pairs
   * @throws Exception on failure (exit code non-zero)
   */
  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[0]);
    Map<String, String> config = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    try (StorageBackend backend = StorageBackends.builder().config(config).environment(Map.of()).open()) {
      ObjectKey key = ObjectKey.of("memory-probe");
      backend.put(key, new RandomStream(size, 7), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
      String actual;
      try (InputStream in = backend.openStream(key)) {
        actual = Digests.sha256(in);
      }
      backend.delete(key);
      if (!actual.equals(Digests.sha256(new RandomStream(size, 7)))) {
        System.out.println("SHA-256 mismatch");
        System.exit(2);
      }
    }
    String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
    System.out.println("ok " + hwm);
  }
}
