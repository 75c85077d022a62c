package io.kafkabackup.storage;

import java.util.Objects;

/**
 * The one error type every storage operation throws. Subclasses name the well-known failures (not
 * found, already exists, precondition failed, ...) so callers can catch exactly what they handle;
 * anything else surfaces as a plain {@code StorageException}.
 *
 * <p>{@link #isRetryable()} tells whether the same call may succeed if tried again later (throttling,
 * timeouts, transient network failures). Backends have already applied their own retry policy before
 * throwing, so a retryable error means that policy was exhausted.
 *
 * <p>Messages never contain secrets (keys, tokens, SAS signatures, passwords).
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * Creates an error.
   *
   * @param message what failed, naming the object key or configuration key involved
   * @param cause the underlying failure, or {@code null}
   * @param retryable whether trying the same call again later may succeed
   */
  public StorageException(String message, Throwable cause, boolean retryable) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.retryable = retryable;
  }

  /**
   * Creates a non-retryable error.
   *
   * @param message what failed
   * @param cause the underlying failure, or {@code null}
   */
  public StorageException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * Creates a non-retryable error without a cause.
   *
   * @param message what failed
   */
  public StorageException(String message) {
    this(message, null, false);
  }

  /**
   * Whether the same call may succeed if tried again later.
   *
   * @return {@code true} for transient failures such as throttling or timeouts
   */
  public boolean isRetryable() {
    return retryable;
  }
}
