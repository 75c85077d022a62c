package io.kafkabackup.storage;

/**
 * The backend cannot perform the operation; see {@link Capabilities}.
 */
public class UnsupportedStorageOperationException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public UnsupportedStorageOperationException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public UnsupportedStorageOperationException(String message) {
    this(message, null);
  }
}
