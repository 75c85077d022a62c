package io.kafkabackup.storage;

/**
 * A ranged read started at or beyond the end of the object.
 */
public class InvalidRangeException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidRangeException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public InvalidRangeException(String message) {
    this(message, null);
  }
}
