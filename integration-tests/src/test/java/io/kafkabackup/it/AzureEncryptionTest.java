package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Envelope encryption on the Azure provider, against a real Azurite. */
class AzureEncryptionTest extends EncryptionContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
