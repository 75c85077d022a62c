package io.kafkabackup.it;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The backup engine on the filesystem provider. */
class FilesystemBackupTest extends BackupContract {
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }
}
