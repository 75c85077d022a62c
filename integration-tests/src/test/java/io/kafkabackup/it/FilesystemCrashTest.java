package io.kafkabackup.it;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Crash tests on the filesystem provider. */
class FilesystemCrashTest extends CrashContract {
  @TempDir
  Path roots;

  @Override
  protected Map<String, String> storageConfig(String name) {
    return StorageUnderTest.filesystem(roots.resolve(name));
  }
}
