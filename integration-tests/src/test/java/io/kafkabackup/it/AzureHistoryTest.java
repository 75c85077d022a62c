package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A long-running backup's history: retention and readers beside the writer on the Azure provider, against a real Azurite. */
class AzureHistoryTest extends HistoryContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
