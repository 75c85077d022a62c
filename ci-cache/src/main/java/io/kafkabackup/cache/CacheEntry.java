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
 * @param encryption how the archive is encrypted (format {@value #ENCRYPTED_FORMAT}), or null when it is not
 */
public record CacheEntry(int format, String key, String archive, String archiveFormat, long archiveBytes,
    String sha256, List<String> mounts, long files, long directories, long symlinks, long contentBytes,
    long createdAtMillis, Encryption encryption) {

  /** The metadata format of an entry whose archive is plain. */
  public static final int FORMAT = 1;
  /** The metadata format of an entry whose archive is encrypted: a reader that knows only format 1 refuses it. */
  public static final int ENCRYPTED_FORMAT = 2;

  /**
   * The envelope of an encrypted archive: its data key, wrapped by a key-encryption key.
   *
   * @param dataKeyId the data key's id in hex, as the archive's header holds it
   * @param kekProvider the key-encryption provider's type
   * @param kekId the id of the key-encryption key that wrapped it
   * @param wrappedKey the wrapped data key, base64
   */
  public record Encryption(String dataKeyId, String kekProvider, String kekId, String wrappedKey) {
  }

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
   * @param encryption the archive's envelope, or null
   */
  public CacheEntry {
    mounts = List.copyOf(mounts);
  }
}
