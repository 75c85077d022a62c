package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Provides {@link FileSystemBackend} as {@code storage.backend=filesystem}. */
public final class FileSystemBackendProvider implements StorageBackendProvider {
  /** The provider type. */
  public static final String TYPE = "filesystem";

  /** {@code storage.filesystem.root}: the directory that holds every object. */
  public static final ConfigKey ROOT = ConfigKey.builder("root", ConfigKey.Type.PATH)
      .required()
      .description("Directory that holds every object (a local disk, PVC or network mount).")
      .build();
  /** {@code storage.filesystem.create-root}: create the root directory if it is missing. */
  public static final ConfigKey CREATE_ROOT = ConfigKey.builder("create-root", ConfigKey.Type.BOOLEAN)
      .defaultValue("true")
      .description("Create the root directory (and its parents) if it does not exist.")
      .build();
  /** {@code storage.filesystem.fsync}: fsync files and directories on commit. */
  public static final ConfigKey FSYNC = ConfigKey.builder("fsync", ConfigKey.Type.BOOLEAN)
      .defaultValue("true")
      .description("Fsync each file and its directory before a write returns; turn off only for scratch data.")
      .build();

  /** {@code storage.filesystem.temp-file-grace}: when a write's leftover temporary file is removed. */
  public static final ConfigKey TEMP_FILE_GRACE = ConfigKey.builder("temp-file-grace", ConfigKey.Type.DURATION)
      .defaultValue("24h")
      .description("A temporary file of a write that did not finish (a process killed mid-write) is removed once "
          + "nothing has written it for this long; keep it longer than any pause of a live write (a backup's "
          + "segment-max-age).")
      .build();

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public FileSystemBackendProvider() {
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Local or mounted filesystem";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(ROOT, CREATE_ROOT, FSYNC, TEMP_FILE_GRACE);
  }

  @Override
  public StorageBackend open(StorageConfig config) {
    Path root = config.path(ROOT).orElseThrow();
    if (!Files.isDirectory(root)) {
      if (!config.booleanValue(CREATE_ROOT)) {
        throw config.invalid(ROOT, "directory " + root + " does not exist (set "
            + config.fullName(CREATE_ROOT) + "=true to create it)");
      }
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw new StorageException(config.fullName(ROOT) + ": cannot create directory " + root + ": " + e, e);
      }
    }
    return new FileSystemBackend(root, config.prefix(), config.booleanValue(FSYNC), config.duration(TEMP_FILE_GRACE));
  }
}
