package io.kafkabackup.cache;

/**
 * The archive read back is not the archive that was saved: shorter, longer, a different SHA-256, or not
 * a valid stream of its format. Nothing of it is installed.
 */
public final class CacheIntegrityException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what differs, naming the cache key and the archive object
   * @param cause the decoding failure, or {@code null}
   */
  public CacheIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
