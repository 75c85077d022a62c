package io.kafkabackup.storage.spi;

import java.time.Duration;

/**
 * Counts a provider's HTTP requests, one per attempt, in a Micrometer timer
 * {@code storage.<provider>.requests} tagged {@code operation} and {@code status}. Keeps every
 * Micrometer reference in this class, which providers only load when a registry is configured.
 */
public final class RequestMetrics {
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final String name;

  /**
   * Creates the recorder.
   *
   * @param provider the provider type, such as {@code azure}
   * @param meterRegistry a {@code io.micrometer.core.instrument.MeterRegistry}
   */
  public RequestMetrics(String provider, Object meterRegistry) {
    this.registry = (io.micrometer.core.instrument.MeterRegistry) meterRegistry;
    this.name = "storage." + provider + ".requests";
  }

  /**
   * Records one request.
   *
   * @param operation the service operation, such as {@code PutBlock}
   * @param status the HTTP status, or {@code io_error}
   * @param duration how long the attempt took
   */
  public void record(String operation, String status, Duration duration) {
    io.micrometer.core.instrument.Timer.builder(name)
        .description("HTTP requests to the storage service, one per attempt")
        .tag("operation", operation == null ? "unknown" : operation)
        .tag("status", status)
        .register(registry)
        .record(duration);
  }
}
