package io.kafkabackup.cache;

/**
 * An archive holds an entry that would land outside its mount: an absolute path, a {@code ..} segment,
 * a path through a symbolic link, a link whose target leaves the mount, or an entry type a cache never
 * holds (hard links, devices, FIFOs). Nothing of the archive is installed.
 */
public final class UnsafeArchiveException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param entry the offending entry's name as stored in the archive
   * @param reason which rule it breaks
   */
  public UnsafeArchiveException(String entry, String reason) {
    super("archive entry '" + entry + "' refused: " + reason);
  }
}
