package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.RequestRecorder;
import io.kafkabackup.storage.spi.StorageConfig;
import io.kafkabackup.storage.spi.StorageLayer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The built-in layers and a way to make one from a function. The factory's default order, closest to the
 * backend first, is {@link #defaults()}: metrics, then logging.
 */
public final class StorageLayers {
  /** {@code storage.metrics.enabled}: {@code false} turns the metrics layer and request metrics off. */
  public static final ConfigKey METRICS_ENABLED = ConfigKey.builder("enabled", Type.BOOLEAN).defaultValue("true")
      .description("`false` turns the Micrometer layer and the providers' request metrics off (they are on "
          + "whenever Micrometer is on the classpath).").build();

  /** Named as text so that checking for Micrometer does not load it. */
  private static final String MICROMETER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

  private StorageLayers() {
  }

  /**
   * The default layers, closest to the backend first: {@link #metrics()}, {@link #logging()}.
   *
   * @return the layers
   */
  public static List<StorageLayer> defaults() {
    return List.of(metrics(), logging());
  }

  /**
   * The logging layer ({@link LoggingStorageBackend}); it has no keys.
   *
   * @return the layer
   */
  public static StorageLayer logging() {
    return of("logging", LoggingStorageBackend::new);
  }

  /**
   * The metrics layer ({@link MeteredStorageBackend}) recording into Micrometer's global registry, with
   * the key {@code storage.metrics.enabled}; it also hands providers a recorder for their requests. It
   * stays out when Micrometer is not on the classpath.
   *
   * @return the layer
   */
  public static StorageLayer metrics() {
    return new MetricsLayer(null);
  }

  /**
   * The metrics layer recording into a given registry.
   *
   * @param registry the registry
   * @return the layer
   */
  public static StorageLayer metrics(MeterRegistry registry) {
    return new MetricsLayer(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * A layer without keys made from a function, such as a {@link ForwardingStorageBackend} subclass's
   * constructor.
   *
   * @param name the layer's name
   * @param wrap wraps a backend
   * @return the layer
   */
  public static StorageLayer of(String name, UnaryOperator<StorageBackend> wrap) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(wrap, "wrap");
    return new StorageLayer() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public StorageBackend wrap(StorageBackend backend, StorageConfig config) {
        return wrap.apply(backend);
      }

      @Override
      public String toString() {
        return "layer " + name;
      }
    };
  }

  /** The metrics layer; every Micrometer type stays in {@link Micrometer}, loaded only when present. */
  private static final class MetricsLayer implements StorageLayer {
    /** The registry, or {@code null} for the global one; kept as Object so no Micrometer type loads. */
    private final Object registry;

    MetricsLayer(Object registry) {
      this.registry = registry;
    }

    @Override
    public String name() {
      return "metrics";
    }

    @Override
    public List<ConfigKey> configKeys() {
      return List.of(METRICS_ENABLED);
    }

    @Override
    public StorageBackend wrap(StorageBackend backend, StorageConfig config) {
      return active(config) ? Micrometer.wrap(backend, registry) : backend;
    }

    @Override
    public Optional<RequestRecorder> requestRecorder(String providerType, StorageConfig config) {
      return active(config) ? Optional.of(Micrometer.recorder(providerType, registry)) : Optional.empty();
    }

    private static boolean active(StorageConfig config) {
      return config.booleanValue(METRICS_ENABLED) && micrometerPresent();
    }

    private static boolean micrometerPresent() {
      try {
        Class.forName(MICROMETER_REGISTRY, false, StorageLayers.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  /** Keeps every Micrometer reference in one class, loaded only when Micrometer is present. */
  private static final class Micrometer {
    static MeterRegistry registry(Object configured) {
      return configured != null ? (MeterRegistry) configured
          : Metrics.globalRegistry;
    }

    static StorageBackend wrap(StorageBackend backend, Object registry) {
      return new MeteredStorageBackend(backend, registry(registry));
    }

    static RequestRecorder recorder(String provider, Object registry) {
      return new MicrometerRequestRecorder(provider, registry(registry));
    }
  }
}
