package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.tck.StorageBackendContractTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The contract holds through the factory's logging and metrics layers too. */
class FactoryOpenedBackendContractTest extends StorageBackendContractTest {
  @TempDir
  static Path root;

  @Override
  protected StorageBackend openBackend(KeyPrefix prefix) {
    return StorageBackends.builder()
        .config(Map.of("storage.backend", "filesystem", "storage.filesystem.root", root.toString(),
            "storage.prefix", prefix.toString()))
        .meterRegistry(new SimpleMeterRegistry())
        .open();
  }
}
