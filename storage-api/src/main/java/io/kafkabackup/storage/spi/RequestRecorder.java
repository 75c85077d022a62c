package io.kafkabackup.storage.spi;

import java.time.Duration;

/**
 * Where a provider reports each request it sends to its service, one call per attempt. The factory
 * hands one to the provider through {@link StorageConfig#requestRecorder()} when metrics are on; it
 * records Micrometer timers, so providers never see a Micrometer type (and need not have it).
 */
public interface RequestRecorder {

  /**
   * Records one request attempt.
   *
   * @param operation the service operation, such as {@code PutBlock}; {@code null} if unknown
   * @param status the HTTP status, or {@code io_error} when no answer came
   * @param duration how long the attempt took
   */
  void record(String operation, String status, Duration duration);
}
