package io.kafkabackup.storage;

/**
 * An {@link WriteMode#ifMatch(String) if-match} write found a different version (or no object) at the key; nothing was\n * written. Re-read the object and decide again.
 */
public class PreconditionFailedException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message what failed, naming the object involved
   * @param cause the underlying failure, or {@code null}
   */
  public PreconditionFailedException(String message, Throwable cause) {
    super(message, cause, false);
  }

  /**
   * Creates the error without a cause.
   *
   * @param message what failed, naming the object involved
   */
  public PreconditionFailedException(String message) {
    this(message, null);
  }
}
