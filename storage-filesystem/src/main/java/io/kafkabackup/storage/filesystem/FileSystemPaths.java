package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PermissionDeniedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where a key lives on disk: below the root, each key segment a directory or file name encoded by
 * {@link FileNames}; never outside the root, not even through a symbolic link.
 *
 * @param root the real path of the root
 * @param prefix the part of the tree the backend is confined to
 */
record FileSystemPaths(Path root, KeyPrefix prefix) {
  /** Names starting with this are temporary files and probes, invisible to listings. */
  static final String TEMP_PREFIX = "#tmp.";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The key's path, without checking its directories. */
  Path pathOf(ObjectKey key) {
    return resolve(root, prefix.apply(key));
  }

  /** The key's path, once its existing directories are known to stay inside the root. */
  Path safePath(ObjectKey key) throws IOException {
    Path path = pathOf(key);
    checkInsideRoot(path.getParent(), key);
    return path;
  }

  /** The path of a slash-separated name below a directory. */
  static Path resolve(Path base, String slashSeparated) {
    Path p = base;
    for (String segment : slashSeparated.split("/", -1)) {
      p = p.resolve(FileNames.encode(segment));
    }
    return p;
  }

  /** Refuses paths whose existing directories lead outside the root through a symbolic link. */
  void checkInsideRoot(Path dir, Object key) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.toRealPath().startsWith(root)) {
      throw new PermissionDeniedException("key '" + key + "' resolves outside the storage root through a symbolic link");
    }
  }

  /** A random name part for temporary files and version ids. */
  static String randomId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
