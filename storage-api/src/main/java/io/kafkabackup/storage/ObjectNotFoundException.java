package io.kafkabackup.storage;

/**
 * The object (or the container, bucket or root that should hold it) does not exist.
 */
public class ObjectNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public ObjectNotFoundException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public ObjectNotFoundException(String message) {
    this(message, null);
  }
}
