package io.kafkabackup.it;

import java.util.Map;

/** The CI cache on the filesystem provider. */
class FilesystemCacheTest extends CacheContract {
  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(dir.resolve("store"));
  }
}
