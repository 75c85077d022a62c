package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.StorageBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;

/**
 * A layer that records Micrometer metrics for every call:
 *
 * <ul>
 *   <li>{@code storage.operations} (timer) tagged {@code backend}, {@code operation}, {@code outcome};
 *   <li>{@code storage.bytes.written} and {@code storage.bytes.read} (counters) tagged {@code backend}
 *       and {@code operation}.
 * </ul>
 *
 * <p>Micrometer is an optional dependency of {@code storage-api}; this class is only loaded when it is
 * present.
 */
public class MeteredStorageBackend extends ObservedStorageBackend {
  private final MeterRegistry registry;

  /**
   * Wraps a backend.
   *
   * @param delegate the backend every call goes to
   * @param registry where to record
   */
  public MeteredStorageBackend(StorageBackend delegate, MeterRegistry registry) {
    super(delegate);
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  protected void record(StorageOperation op) {
    Timer.builder("storage.operations")
        .description("Calls to a storage backend")
        .tag("backend", op.backend())
        .tag("operation", op.operation())
        .tag("outcome", op.outcome())
        .register(registry)
        .record(op.duration());
    // Bytes moved count even when the transfer failed part-way: they crossed the network.
    if (op.bytes() > 0 && isTransfer(op)) {
      Counter.builder(isWrite(op) ? "storage.bytes.written" : "storage.bytes.read")
          .baseUnit("bytes")
          .tag("backend", op.backend())
          .tag("operation", op.operation())
          .register(registry)
          .increment(op.bytes());
    }
  }

  private static boolean isTransfer(StorageOperation op) {
    return isWrite(op) || op.operation().equals("get");
  }

  private static boolean isWrite(StorageOperation op) {
    return op.operation().equals("put") || op.operation().equals("write");
  }
}
