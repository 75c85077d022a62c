package io.kafkabackup.storage;

import io.kafkabackup.storage.layer.StorageLayers;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.RequestRecorder;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import io.kafkabackup.storage.spi.StorageLayer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Opens a {@link StorageBackend} from configuration, choosing the provider named by
 * {@code storage.backend} among those found on the classpath:
 *
 * <pre>{@code
 * storage.backend=filesystem
 * storage.filesystem.root=/data/backups
 * storage.prefix=prod
 * }</pre>
 *
 * <p>Only keys starting with {@code storage.} are read, so a larger application's properties can be
 * passed as they are. Validation is strict: a missing {@code storage.backend}, an unknown provider, an
 * unknown {@code storage.*} key or a missing required key fails with an
 * {@link InvalidConfigurationException} naming the key; the factory never falls back to another
 * backend. Settings of other providers found on the classpath are ignored, so switching backends means
 * changing {@code storage.backend} alone.
 *
 * <p>Backends it opens are wrapped in layers, in an explicit order ({@link Builder#layers(List)}); by
 * default {@link StorageLayers#defaults()}: the metrics layer (when Micrometer is on the classpath;
 * {@code storage.metrics.enabled=false} turns it off), then the logging layer. A layer's own keys
 * ({@code storage.<layer>.*}) are validated like a provider's.
 */
public final class StorageBackends {
  /** Selects the provider: {@code filesystem}, {@code s3}, {@code azure} or a third party's type. */
  public static final String BACKEND = "storage.backend";
  /** Confines the backend to a part of the store, such as {@code prod/cluster-a}. */
  public static final String PREFIX = "storage.prefix";
  /** {@code false} turns the metrics layer off (a key of {@link StorageLayers#metrics()}). */
  public static final String METRICS_ENABLED = "storage.metrics.enabled";

  private static final List<String> COMMON_KEYS = List.of(BACKEND, PREFIX);
  private static final Pattern LAYER_NAME = Pattern.compile("[a-z][a-z0-9-]*");

  private StorageBackends() {
  }

  /**
   * Opens a backend from a configuration map, with the process environment for fallbacks.
   *
   * @param config keys and values; keys not starting with {@code storage.} are ignored
   * @return the backend; the caller closes it
   * @throws InvalidConfigurationException naming the offending key
   */
  public static StorageBackend open(Map<String, String> config) {
    return builder().config(config).open();
  }

  /**
   * Opens a backend from properties, with the process environment for fallbacks.
   *
   * @param properties keys and values; keys not starting with {@code storage.} are ignored
   * @return the backend; the caller closes it
   * @throws InvalidConfigurationException naming the offending key
   */
  public static StorageBackend open(Properties properties) {
    return builder().config(properties).open();
  }

  /**
   * The providers found on the context class loader's classpath.
   *
   * @return providers sorted by type
   */
  public static List<StorageBackendProvider> providers() {
    return builder().providers();
  }

  /**
   * Starts configuring a factory call.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Options for opening a backend. */
  public static final class Builder {
    private final Map<String, String> config = new LinkedHashMap<>();
    private Map<String, String> environment = System.getenv();
    private ClassLoader classLoader;
    private List<StorageLayer> layers = StorageLayers.defaults();

    private Builder() {
    }

    /**
     * Adds configuration entries; later entries replace earlier ones.
     *
     * @param entries keys and values
     * @return this builder
     */
    public Builder config(Map<String, String> entries) {
      entries.forEach((k, v) -> config.put(Objects.requireNonNull(k, "config key"),
          Objects.requireNonNull(v, () -> "value of " + k)));
      return this;
    }

    /**
     * Adds configuration entries from properties.
     *
     * @param properties keys and values
     * @return this builder
     */
    public Builder config(Properties properties) {
      properties.stringPropertyNames().forEach(k -> config.put(k, properties.getProperty(k)));
      return this;
    }

    /**
     * Sets one configuration entry.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder set(String key, String value) {
      config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, () -> "value of " + key));
      return this;
    }

    /**
     * Replaces the environment consulted for fallbacks (the process environment by default); useful in
     * tests and for sandboxed applications.
     *
     * @param environment variable names and values
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Sets the class loader providers are loaded from (the thread's context class loader by default).
     *
     * @param classLoader the loader
     * @return this builder
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = classLoader;
      return this;
    }

    /**
     * Records metrics into this registry instead of Micrometer's global registry: the metrics layer in
     * the list is replaced by {@link StorageLayers#metrics(MeterRegistry)}, in the same place.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      StorageLayer metrics = StorageLayers.metrics(registry);
      layers = layers.stream().map(l -> l.name().equals(metrics.name()) ? metrics : l).toList();
      return this;
    }

    /**
     * Sets every layer and their order, the first closest to the backend, replacing the defaults
     * ({@link StorageLayers#defaults()}). Build the list from the defaults to keep them, such as
     * {@code List.of(StorageLayers.metrics(), myLayer, StorageLayers.logging())}.
     *
     * @param layers the layers, innermost first
     * @return this builder
     */
    public Builder layers(List<StorageLayer> layers) {
      this.layers = List.copyOf(layers);
      return this;
    }

    /**
     * Adds a layer outside those already set.
     *
     * @param layer the layer
     * @return this builder
     */
    public Builder layer(StorageLayer layer) {
      List<StorageLayer> more = new ArrayList<>(layers);
      more.add(Objects.requireNonNull(layer, "layer"));
      this.layers = List.copyOf(more);
      return this;
    }

    /**
     * Adds a layer without keys outside those already set, such as a
     * {@link io.kafkabackup.storage.layer.ForwardingStorageBackend} subclass's constructor.
     *
     * @param layer wraps a backend
     * @return this builder
     */
    public Builder layer(UnaryOperator<StorageBackend> layer) {
      return layer(StorageLayers.of("custom-" + (layers.size() + 1), layer));
    }

    /**
     * The providers this builder's class loader finds.
     *
     * @return providers sorted by type
     */
    public List<StorageBackendProvider> providers() {
      ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
      List<StorageBackendProvider> found = new ArrayList<>();
      ServiceLoader.load(StorageBackendProvider.class, loader).forEach(found::add);
      found.sort(Comparator.comparing(StorageBackendProvider::type));
      return Collections.unmodifiableList(found);
    }

    /**
     * Validates the configuration and opens the backend it names.
     *
     * @return the backend; the caller closes it
     * @throws InvalidConfigurationException naming the offending key
     */
    public StorageBackend open() {
      Map<String, String> storageKeys = new TreeMap<>();
      config.forEach((k, v) -> {
        // storage.encryption.* belongs to KeyWrappers, which validates it as strictly.
        if (k.startsWith("storage.") && !k.startsWith(KeyWrappers.SECTION)) {
          storageKeys.put(k, v);
        }
      });
      List<StorageBackendProvider> providers = providers();
      StorageBackendProvider provider = selectProvider(storageKeys.get(BACKEND), providers);
      checkLayerNames(layers, providers);
      checkForUnknownKeys(storageKeys, provider, providers, layers);

      KeyPrefix prefix;
      try {
        prefix = KeyPrefix.of(storageKeys.get(PREFIX));
      } catch (InvalidObjectKeyException e) {
        throw new InvalidConfigurationException(PREFIX, PREFIX + ": " + e.getMessage(), e);
      }
      Map<StorageLayer, StorageConfig> layerConfigs = new LinkedHashMap<>();
      RequestRecorder recorder = null;
      for (StorageLayer layer : layers) {
        StorageConfig layerConfig = new StorageConfig(layer.name(), prefix,
            resolve(layer.name(), layer.configKeys(), storageKeys, "the " + layer.name() + " layer"), null);
        layerConfigs.put(layer, layerConfig);
        if (recorder == null) {
          recorder = layer.requestRecorder(provider.type(), layerConfig).orElse(null);
        }
      }
      StorageConfig resolved = new StorageConfig(provider.type(), prefix,
          resolve(provider.type(), provider.configKeys(), storageKeys, BACKEND + "=" + provider.type()), recorder);

      StorageBackend backend = provider.open(resolved);
      try {
        for (Map.Entry<StorageLayer, StorageConfig> layer : layerConfigs.entrySet()) {
          backend = Objects.requireNonNull(layer.getKey().wrap(backend, layer.getValue()),
              () -> "layer " + layer.getKey().name() + " returned null");
        }
        return backend;
      } catch (RuntimeException | Error e) {
        backend.close();
        throw e;
      }
    }

    private Map<ConfigKey, StorageConfig.Value> resolve(String section, List<ConfigKey> keys,
        Map<String, String> storageKeys, String requiredBy) {
      return resolveSection(section, keys, storageKeys, environment, requiredBy);
    }
  }

  /**
   * Resolves the keys of one section ({@code storage.<section>.*}): configuration, then environment
   * variables, then the default; shared with {@link KeyWrappers}.
   */
  static Map<ConfigKey, StorageConfig.Value> resolveSection(String section, List<ConfigKey> keys,
      Map<String, String> storageKeys, Map<String, String> environment, String requiredBy) {
    Map<ConfigKey, StorageConfig.Value> values = new LinkedHashMap<>();
    for (ConfigKey key : keys) {
      String fullName = key.fullName(section);
      StorageConfig.Value value = null;
      String raw = storageKeys.get(fullName);
      if (raw != null && !raw.isBlank()) {
        value = new StorageConfig.Value(key.parse(fullName, raw), StorageConfig.Source.CONFIG, fullName);
      } else {
        for (String env : key.envVars()) {
          String fromEnv = environment.get(env);
          if (fromEnv != null && !fromEnv.isBlank()) {
            value = new StorageConfig.Value(key.parse(fullName + " (from " + env + ")", fromEnv),
                StorageConfig.Source.ENVIRONMENT, env);
            break;
          }
        }
      }
      if (value == null && key.defaultValue().isPresent()) {
        value = new StorageConfig.Value(key.parse(fullName, key.defaultValue().get()),
            StorageConfig.Source.DEFAULT, fullName);
      }
      if (value == null && key.required()) {
        throw new InvalidConfigurationException(fullName, fullName + " is required for "
            + requiredBy + (key.envVars().isEmpty() ? "" : " (or set " + String.join(" or ", key.envVars()) + ")")
            + ": " + key.description());
      }
      if (value != null) {
        values.put(key, value);
      }
    }
    return values;
  }

  private static StorageBackendProvider selectProvider(String requested, List<StorageBackendProvider> providers) {
    String types = providers.stream().map(StorageBackendProvider::type).collect(Collectors.joining(", ", "[", "]"));
    if (requested == null || requested.isBlank()) {
      throw new InvalidConfigurationException(BACKEND, BACKEND + " is required; providers on the classpath: " + types);
    }
    String type = requested.trim();
    Map<String, StorageBackendProvider> byType = new LinkedHashMap<>();
    for (StorageBackendProvider p : providers) {
      StorageBackendProvider previous = byType.putIfAbsent(p.type(), p);
      if (previous != null) {
        throw new InvalidConfigurationException(BACKEND, "two providers on the classpath claim type '" + p.type()
            + "': " + previous.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    StorageBackendProvider provider = byType.get(type);
    if (provider == null) {
      throw new InvalidConfigurationException(BACKEND, BACKEND + "=" + type + ": no provider of type '" + type
          + "' on the classpath (add its module, e.g. storage-" + type + "); providers found: " + types
          + ConfigKey.closest(type, byType.keySet()).map(s -> "; did you mean '" + s + "'?").orElse(""));
    }
    return provider;
  }

  private static void checkLayerNames(List<StorageLayer> layers, List<StorageBackendProvider> providers) {
    Set<String> seen = new HashSet<>();
    for (StorageLayer layer : layers) {
      String name = layer.name();
      if (name == null || !LAYER_NAME.matcher(name).matches() || name.equals("backend") || name.equals("prefix")
          || name.equals("encryption")) {
        throw new IllegalArgumentException("layer name '" + name + "' must be lower-case letters, digits and "
            + "hyphens, and not 'backend', 'prefix' or 'encryption'");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("two layers are named '" + name + "'");
      }
      if (providers.stream().anyMatch(p -> p.type().equals(name))) {
        throw new IllegalArgumentException("layer name '" + name + "' is a provider's type; its keys would clash");
      }
    }
  }

  private static void checkForUnknownKeys(Map<String, String> storageKeys, StorageBackendProvider selected,
      List<StorageBackendProvider> providers, List<StorageLayer> layers) {
    List<String> known = new ArrayList<>(COMMON_KEYS);
    selected.configKeys().forEach(k -> known.add(k.fullName(selected.type())));
    layers.forEach(l -> l.configKeys().forEach(k -> known.add(k.fullName(l.name()))));
    for (String key : storageKeys.keySet()) {
      if (known.contains(key)) {
        continue;
      }
      boolean otherProvidersSection = providers.stream()
          .anyMatch(p -> p != selected && key.startsWith("storage." + p.type() + "."));
      if (otherProvidersSection) {
        continue;
      }
      List<String> candidates = new ArrayList<>(known);
      providers.forEach(p -> p.configKeys().forEach(k -> candidates.add(k.fullName(p.type()))));
      throw new InvalidConfigurationException(key, "unknown configuration key '" + key + "'"
          + ConfigKey.closest(key, candidates).map(s -> "; did you mean '" + s + "'?").orElse("")
          + "; keys of storage.backend=" + selected.type() + ": " + known);
    }
  }
}
