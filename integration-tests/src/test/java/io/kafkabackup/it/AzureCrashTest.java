package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.AzuriteExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Crash tests on the Azure provider: the forked jobs write to this JVM's Azurite. */
class AzureCrashTest extends CrashContract {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  @Override
  protected Map<String, String> storageConfig(String name) {
    return StorageUnderTest.azure(AZURITE.endpoint());
  }
}
