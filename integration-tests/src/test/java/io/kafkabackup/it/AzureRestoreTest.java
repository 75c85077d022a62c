package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backup and restore on the Azure provider, against a real Azurite (the PRD's test_restore_from_azure). */
class AzureRestoreTest extends RestoreContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
