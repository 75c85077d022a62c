package io.kafkabackup.storage;

/**
 * An object key, key prefix or list prefix breaks the rules of {@link ObjectKey}. The message names the\n * offending key and the rule.
 */
public class InvalidObjectKeyException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidObjectKeyException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public InvalidObjectKeyException(String message) {
    this(message, null);
  }
}
