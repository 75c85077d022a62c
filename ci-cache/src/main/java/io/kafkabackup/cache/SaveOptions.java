package io.kafkabackup.cache;

/**
 * How {@link BuildCache#save} archives.
 *
 * @param format the archive format
 * @param level the compression level, checked against the format ({@link ArchiveFormat#checkLevel})
 * @param skipSymlinks leave symbolic links out instead of storing them
 * @param override replace an existing entry of the same key; {@code false} makes the save create-only
 * @param encrypt seal the archive under a fresh data key wrapped by the cache's key-encryption key
 */
public record SaveOptions(ArchiveFormat format, int level, boolean skipSymlinks, boolean override, boolean encrypt) {

  /**
   * Checks the level.
   *
   * @param format the archive format
   * @param level the compression level
   * @param skipSymlinks leave symbolic links out
   * @param override replace an existing entry
   * @param encrypt seal the archive
   */
  public SaveOptions {
    // tar takes no level: 0 is its only value, anything else is refused by checkLevel.
    if (format != ArchiveFormat.TAR || level != 0) {
      format.checkLevel(level);
    }
  }

  /**
   * zstd at its default level, links kept, an existing entry replaced, not encrypted.
   *
   * @return the defaults
   */
  public static SaveOptions defaults() {
    return new SaveOptions(ArchiveFormat.ZSTD, ArchiveFormat.ZSTD.defaultLevel(), false, true, false);
  }

  /**
   * The same options with another format at that format's default level.
   *
   * @param format the archive format
   * @return the new options
   */
  public SaveOptions withFormat(ArchiveFormat format) {
    return new SaveOptions(format, format.defaultLevel(), skipSymlinks, override, encrypt);
  }

  /**
   * The same options with another compression level.
   *
   * @param level the level
   * @return the new options
   */
  public SaveOptions withLevel(int level) {
    return new SaveOptions(format, level, skipSymlinks, override, encrypt);
  }

  /**
   * The same options with links skipped or kept.
   *
   * @param skip whether to skip symbolic links
   * @return the new options
   */
  public SaveOptions withSkipSymlinks(boolean skip) {
    return new SaveOptions(format, level, skip, override, encrypt);
  }

  /**
   * The same options, replacing or keeping an existing entry.
   *
   * @param replace whether an existing entry is replaced
   * @return the new options
   */
  public SaveOptions withOverride(boolean replace) {
    return new SaveOptions(format, level, skipSymlinks, replace, encrypt);
  }

  /**
   * The same options, sealing the archive or not.
   *
   * @param seal whether the archive is encrypted
   * @return the new options
   */
  public SaveOptions withEncrypt(boolean seal) {
    return new SaveOptions(format, level, skipSymlinks, override, seal);
  }
}
