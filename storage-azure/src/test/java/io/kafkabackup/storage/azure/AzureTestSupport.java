package io.kafkabackup.storage.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Opens backends and raw SDK clients against an Azurite for the tests of this module. */
final class AzureTestSupport {
  private AzureTestSupport() {
  }

  /** The configuration of a backend on Azurite, with small blocks so tests exercise staged uploads. */
  static Map<String, String> config(AzuriteEndpoint azurite, String container, String... overrides) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.backend", "azure");
    c.put("storage.azure.account-name", azurite.accountName());
    c.put("storage.azure.account-key", azurite.accountKey());
    c.put("storage.azure.endpoint", azurite.blobEndpoint().toString());
    c.put("storage.azure.container", container);
    c.put("storage.azure.part-size", "1MiB");
    c.put("storage.azure.single-put-threshold", "1MiB");
    c.put("storage.azure.download-part-size", "1MiB");
    c.put("storage.azure.retry-initial-delay", "50ms");
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        c.remove(overrides[i]);
      } else {
        c.put(overrides[i], overrides[i + 1]);
      }
    }
    return c;
  }

  static StorageBackend open(Map<String, String> config) {
    return StorageBackends.builder().config(config).environment(Map.of()).open();
  }

  /** A new container on Azurite, through the raw SDK. */
  static BlobContainerClient createContainer(AzuriteEndpoint azurite) {
    BlobContainerClient c = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
        .getBlobContainerClient("c" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
    c.create();
    return c;
  }
}
