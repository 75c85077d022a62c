package io.kafkabackup.storage.azure;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.tck.StorageBackendContractTest;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract test kit against a real Azurite, with 1 MiB blocks so large objects take the staged path. */
class AzureBackendContractTest extends StorageBackendContractTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();
  private static String container;

  @BeforeAll
  static void createContainer() {
    container = AzureTestSupport.createContainer(AZURITE.endpoint()).getBlobContainerName();
  }

  @Override
  protected StorageBackend openBackend(KeyPrefix prefix) {
    return AzureTestSupport.open(AzureTestSupport.config(AZURITE.endpoint(), container,
        "storage.prefix", prefix.toString()));
  }
}
