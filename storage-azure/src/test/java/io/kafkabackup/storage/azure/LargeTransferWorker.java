package io.kafkabackup.storage.azure;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import java.io.InputStream;
import java.util.Map;

/**
 * Uploads and downloads one large object through the Azure backend with default tuning, in a JVM the
 * caller starts with a small heap, and checks the SHA-256 of what comes back. Prints the throughput.
 */
public final class LargeTransferWorker {
  private LargeTransferWorker() {
  }

  /**
   * Runs one transfer.
   *
   * @param args blob endpoint, account, key, container, size in bytes
   * @throws Exception on any failure (the exit code is then non-zero)
   */
  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[4]);
    Map<String, String> config = Map.of("storage.backend", "azure", "storage.azure.endpoint", args[0],
        "storage.azure.account-name", args[1], "storage.azure.account-key", args[2], "storage.azure.container", args[3],
        "storage.metrics.enabled", "false");
    try (StorageBackend backend = StorageBackends.builder().config(config).environment(Map.of()).open()) {
      ObjectKey key = ObjectKey.of("large/" + size);
      long start = System.nanoTime();
      backend.put(key, new RandomStream(size, 42), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
      long uploaded = System.nanoTime();
      String actual;
      try (InputStream in = backend.openStream(key)) {
        actual = Digests.sha256(in);
      }
      long downloaded = System.nanoTime();
      String expected = Digests.sha256(new RandomStream(size, 42));
      System.out.printf("size=%d upload_mb_s=%.0f download_mb_s=%.0f max_heap_mib=%d%n", size,
          size / 1e6 / ((uploaded - start) / 1e9), size / 1e6 / ((downloaded - uploaded) / 1e9),
          Runtime.getRuntime().maxMemory() >> 20);
      if (!expected.equals(actual)) {
        System.out.println("SHA-256 mismatch: expected " + expected + " got " + actual);
        System.exit(2);
      }
      backend.delete(key);
    }
  }
}
