package io.kafkabackup.cache;

import java.util.List;

/**
 * The metadata object of one cache entry, written after its archive and so the entry's commit point:
 * an entry without it does not exist. It names the archive object and carries what a restore checks
 * before installing anything.
 *
 * @param format the metadata format, {@value #FORMAT}
 * @param key the cache key as the user gave it
 * @param archive the archive object's name inside the entry, such as {@code archive-…tar.zst}
 * @param archiveFormat {@code tar}, {@code gzip} or {@code zstd}
 * @param archiveBytes the archive object's length
 * @param sha256 the archive object's SHA-256, lower-case hex
 * @param mounts the cached paths, relative to the working directory
 * @param files regular files in the archive
 * @param directories directories in the archive
 * @param symlinks symbolic links in the archive
 * @param contentBytes the files' total length before compression
 * @param createdAtMillis when the save finished, epoch milliseconds
 */
public record CacheEntry(int format, String key, String archive, String archiveFormat, long archiveBytes,
    String sha256, List<String> mounts, long files, long directories, long symlinks, long contentBytes,
    long createdAtMillis) {

  /** The metadata format this library writes and reads. */
  public static final int FORMAT = 1;

  /**
   * Copies the mount list.
   *
   * @param format the metadata format
   * @param key the cache key
   * @param archive the archive object's name
   * @param archiveFormat the archive format's name
   * @param archiveBytes the archive's length
   * @param sha256 the archive's SHA-256
   * @param mounts the cached paths
   * @param files regular files
   * @param directories directories
   * @param symlinks symbolic links
   * @param contentBytes uncompressed file bytes
   * @param createdAtMillis when the save finished
   */
  public CacheEntry {
    mounts = List.copyOf(mounts);
  }
}
