package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.tck.StorageBackendContractTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Runs the contract test kit against the filesystem backend. */
class FileSystemBackendContractTest extends StorageBackendContractTest {
  @TempDir
  static Path root;

  @Override
  protected StorageBackend openBackend(KeyPrefix prefix) {
    return new FileSystemBackend(root, prefix, true, Duration.ofHours(24));
  }
}
