package io.kafkabackup.storage;

import java.time.Duration;
import java.util.Optional;

/**
 * The service kept answering "slow down" (HTTP 429, 503 {@code ServerBusy}, S3 {@code SlowDown}) after
 * the backend's retries were used up. Retryable.
 */
public class ThrottledException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the error.
   *
   * @param message what was throttled
   * @param cause the underlying failure, or {@code null}
   * @param retryAfter how long the service asked the client to wait, or {@code null} if it did not say
   */
  public ThrottledException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause, true);
    this.retryAfter = retryAfter;
  }

  /**
   * The wait the service asked for in its last answer, if it named one.
   *
   * @return the requested delay
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
