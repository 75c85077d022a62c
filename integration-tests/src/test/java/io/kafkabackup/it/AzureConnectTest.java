package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connectors on a Connect cluster against Azurite: the forked workers reach this JVM's server. */
class AzureConnectTest extends ConnectContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig(String name) {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
