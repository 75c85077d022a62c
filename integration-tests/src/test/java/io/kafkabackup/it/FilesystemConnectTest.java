package io.kafkabackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** The connectors on a Connect cluster, backing up into and restoring from a local directory. */
class FilesystemConnectTest extends ConnectContract {
  @Override
  protected Map<String, String> storageConfig(String name) {
    try {
      return StorageUnderTest.filesystem(Files.createDirectories(dir.resolve("store-" + name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
