package io.kafkabackup.storage.azure;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs Blob Batch deletes in a JVM of its own, started with {@code AZURE_HTTP_LOG_DETAIL_LEVEL} set in its
 * environment and every logger at TRACE, so the SDK's logging is configured exactly as a user's process
 * would have it from the start. Every log event (captured by {@link CapturedLogs}) is printed to standard
 * output after a {@value #SEPARATOR} line. Arguments: endpoint, account, account key, container, SAS token.
 */
public final class BatchLoggingProbe {
  /** Printed before each captured event. */
  static final String SEPARATOR = "----- event -----";

  private BatchLoggingProbe() {
  }

  /**
   * Deletes a few blobs with a batch under account-key and SAS authentication.
   *
   * @param args endpoint, account, key, container, SAS
   */
  public static void main(String[] args) {
    CapturedLogs.captureAll();
    for (String[] auth : List.of(new String[] {"storage.azure.account-key", args[2]},
        new String[] {"storage.azure.sas-token", args[4]})) {
      Map<String, String> c = new HashMap<>();
      c.put("storage.backend", "azure");
      c.put("storage.azure.endpoint", args[0]);
      c.put("storage.azure.account-name", args[1]);
      c.put("storage.azure.container", args[3]);
      c.put(auth[0], auth[1]);
      try (StorageBackend backend = StorageBackends.builder().config(c).environment(Map.of()).open()) {
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ObjectKey key = ObjectKey.of("batch-" + UUID.randomUUID());
          backend.put(key, new byte[] {1});
          keys.add(key);
        }
        backend.deleteAll(keys);
      }
    }
    for (String event : CapturedLogs.stop()) {
      System.out.println(SEPARATOR);
      System.out.println(event);
    }
    System.out.println("probe finished");
  }
}
