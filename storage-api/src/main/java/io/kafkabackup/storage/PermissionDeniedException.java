package io.kafkabackup.storage;

/**
 * The credentials were accepted but do not allow the operation.
 */
public class PermissionDeniedException extends AccessRefusedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public PermissionDeniedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public PermissionDeniedException(String message) {
    this(message, null);
  }
}
