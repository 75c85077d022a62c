package io.kafkabackup.storage;

/**
 * A {@link WriteMode#createOnly() create-only} write found the key already taken; nothing was written.
 */
public class ObjectAlreadyExistsException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public ObjectAlreadyExistsException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public ObjectAlreadyExistsException(String message) {
    this(message, null);
  }
}
