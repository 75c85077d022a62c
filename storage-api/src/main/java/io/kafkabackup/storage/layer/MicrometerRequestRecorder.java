package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.spi.RequestRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Records a provider's HTTP requests, one per attempt, in a Micrometer timer
 * {@code storage.<provider>.requests} tagged {@code operation} and {@code status}. The one place that
 * touches Micrometer for providers; loaded only when a registry is configured and Micrometer is present.
 */
final class MicrometerRequestRecorder implements RequestRecorder {
  private final MeterRegistry registry;
  private final String name;

  MicrometerRequestRecorder(String provider, MeterRegistry registry) {
    this.registry = registry;
    this.name = "storage." + provider + ".requests";
  }

  @Override
  public void record(String operation, String status, Duration duration) {
    Timer.builder(name)
        .description("HTTP requests to the storage service, one per attempt")
        .tag("operation", operation == null ? "unknown" : operation)
        .tag("status", status)
        .register(registry)
        .record(duration);
  }
}
