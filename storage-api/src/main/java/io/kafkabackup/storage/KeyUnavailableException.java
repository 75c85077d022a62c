package io.kafkabackup.storage;

/**
 * A key-encryption key could not wrap or unwrap a data key: it is not configured or not found, the key
 * service refused or could not be reached, or it does not unwrap the bytes given (the wrong key). The
 * message names the KEK's id and never holds key material.
 */
public class KeyUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  /** The KEK's id. */
  private final String keyId;

  /**
   * Makes the exception.
   *
   * @param keyId the KEK's id
   * @param message what went wrong, naming the id
   * @param cause the underlying failure, or null
   * @param retryable whether trying again may succeed (the service was unreachable or throttled)
   */
  public KeyUnavailableException(String keyId, String message, Throwable cause, boolean retryable) {
    super(message, cause, retryable);
    this.keyId = keyId;
  }

  /**
   * The id of the key-encryption key.
   *
   * @return the id
   */
  public String keyId() {
    return keyId;
  }
}
