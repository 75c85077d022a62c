package io.kafkabackup.storage;

/**
 * An operation did not finish within its configured timeout. Retryable.
 */
public class StorageTimeoutException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public StorageTimeoutException(String message, Throwable cause) {
    super(message, cause, true);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public StorageTimeoutException(String message) {
    this(message, null);
  }
}
