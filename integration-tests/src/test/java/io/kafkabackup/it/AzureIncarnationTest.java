package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topic incarnations on the Azure provider, against a real Azurite. */
class AzureIncarnationTest extends IncarnationContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
