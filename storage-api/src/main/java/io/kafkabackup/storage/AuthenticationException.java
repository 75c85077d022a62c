package io.kafkabackup.storage;

/**
 * The backend rejected the credentials (wrong key, expired or unaccepted token, unknown principal).
 */
public class AuthenticationException extends AccessRefusedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public AuthenticationException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public AuthenticationException(String message) {
    this(message, null);
  }
}
