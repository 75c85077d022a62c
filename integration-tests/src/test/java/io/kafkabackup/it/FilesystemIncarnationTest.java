package io.kafkabackup.it;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Topic incarnations on the filesystem provider. */
class FilesystemIncarnationTest extends IncarnationContract {
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }
}
