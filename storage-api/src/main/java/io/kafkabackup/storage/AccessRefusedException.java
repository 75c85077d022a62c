package io.kafkabackup.storage;

/**
 * The service refused access: either it did not accept the credentials ({@link AuthenticationException})
 * or they do not allow the operation ({@link PermissionDeniedException}). Catch this type to handle both.
 */
public class AccessRefusedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what was refused
   * @param cause the underlying failure, or {@code null}
   */
  public AccessRefusedException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
