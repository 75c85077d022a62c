package io.kafkabackup.cache;

/**
 * A cache operation failed for a reason the caller should see: a bad key or mount, a refused archive, a
 * checksum mismatch. Storage failures keep their own types from {@code storage-api}.
 */
public class CacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the key, mount or archive entry
   */
  public CacheException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what went wrong, naming the key, mount or archive entry
   * @param cause the underlying failure
   */
  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
