package io.kafkabackup.it;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** A long-running backup's history: retention and readers beside the writer on the filesystem provider. */
class FilesystemHistoryTest extends HistoryContract {
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }
}
