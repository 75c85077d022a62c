package io.kafkabackup.storage.spi;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyPrefix;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The validated configuration a provider opens its backend from: every declared key already resolved
 * (configuration, then environment variables, then the default) and parsed, so a provider reads typed
 * values and never sees an unknown or malformed key. {@link #toString()} masks secret values.
 */
public final class StorageConfig {

  /** Where a value came from. */
  public enum Source {
    /** The configuration map or properties. */
    CONFIG,
    /** An environment variable. */
    ENVIRONMENT,
    /** The key's declared default. */
    DEFAULT
  }

  /**
   * A resolved value.
   *
   * @param value the parsed value
   * @param source where it came from
   * @param origin the configuration key or environment variable that gave it
   */
  public record Value(Object value, Source source, String origin) {
    /**
     * Validates the fields.
     *
     * @param value the parsed value
     * @param source where it came from
     * @param origin the configuration key or environment variable
     */
    public Value {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(origin, "origin");
    }
  }

  private final String providerType;
  private final KeyPrefix prefix;
  private final Map<ConfigKey, Value> values;
  private final RequestRecorder requestRecorder;

  /**
   * Creates a configuration; the factory does this after validation.
   *
   * @param providerType the provider's type, such as {@code azure}
   * @param prefix the key prefix from {@code storage.prefix}
   * @param values the resolved values of the provider's keys that have one
   * @param requestRecorder where the provider reports its requests, or {@code null} when metrics are off
   */
  public StorageConfig(String providerType, KeyPrefix prefix, Map<ConfigKey, Value> values,
      RequestRecorder requestRecorder) {
    this.providerType = Objects.requireNonNull(providerType, "providerType");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.requestRecorder = requestRecorder;
  }

  /**
   * Where the provider reports each request it sends (the factory records them as Micrometer timers).
   *
   * @return the recorder, or empty if metrics are off or Micrometer is absent
   */
  public Optional<RequestRecorder> requestRecorder() {
    return Optional.ofNullable(requestRecorder);
  }

  /**
   * The provider type.
   *
   * @return for example {@code filesystem}
   */
  public String providerType() {
    return providerType;
  }

  /**
   * The prefix every key is joined to.
   *
   * @return the prefix, possibly empty
   */
  public KeyPrefix prefix() {
    return prefix;
  }

  /**
   * The full name of a key of this provider.
   *
   * @param key a declared key
   * @return for example {@code storage.azure.container}
   */
  public String fullName(ConfigKey key) {
    return key.fullName(providerType);
  }

  /**
   * The resolved value of a key, with where it came from.
   *
   * @param key a declared key
   * @return the value, if the configuration, the environment or a default gave one
   */
  public Optional<Value> find(ConfigKey key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * Whether a key has a value.
   *
   * @param key a declared key
   * @return {@code true} if resolved
   */
  public boolean has(ConfigKey key) {
    return values.containsKey(key);
  }

  /**
   * The value of a key, if it has one.
   *
   * @param key a declared key
   * @param type the value's Java type (see {@link ConfigKey#parse})
   * @param <T> the value's Java type
   * @return the value
   */
  public <T> Optional<T> get(ConfigKey key, Class<T> type) {
    return find(key).map(v -> type.cast(v.value()));
  }

  /**
   * The value of a key that must have one (required, or with a default).
   *
   * @param key a declared key
   * @param type the value's Java type
   * @param <T> the value's Java type
   * @return the value
   * @throws InvalidConfigurationException naming the key if it has no value
   */
  public <T> T require(ConfigKey key, Class<T> type) {
    return get(key, type).orElseThrow(() -> new InvalidConfigurationException(fullName(key),
        fullName(key) + " is required" + envHint(key)));
  }

  /**
   * A text value.
   *
   * @param key a declared {@link ConfigKey.Type#STRING} or {@link ConfigKey.Type#CHOICE} key
   * @return the value, if any
   */
  public Optional<String> string(ConfigKey key) {
    return get(key, String.class);
  }

  /**
   * An integer value that has a default or is required.
   *
   * @param key a declared {@link ConfigKey.Type#INT} key
   * @return the value
   */
  public int intValue(ConfigKey key) {
    return require(key, Integer.class);
  }

  /**
   * A boolean value that has a default or is required.
   *
   * @param key a declared {@link ConfigKey.Type#BOOLEAN} key
   * @return the value
   */
  public boolean booleanValue(ConfigKey key) {
    return require(key, Boolean.class);
  }

  /**
   * A byte count that has a default or is required.
   *
   * @param key a declared {@link ConfigKey.Type#SIZE} key
   * @return the value in bytes
   */
  public long size(ConfigKey key) {
    return require(key, Long.class);
  }

  /**
   * A duration that has a default or is required.
   *
   * @param key a declared {@link ConfigKey.Type#DURATION} key
   * @return the value
   */
  public Duration duration(ConfigKey key) {
    return require(key, Duration.class);
  }

  /**
   * A path value.
   *
   * @param key a declared {@link ConfigKey.Type#PATH} key
   * @return the value, if any
   */
  public Optional<Path> path(ConfigKey key) {
    return get(key, Path.class);
  }

  /**
   * A URL value.
   *
   * @param key a declared {@link ConfigKey.Type#URL} key
   * @return the value, if any
   */
  public Optional<URI> url(ConfigKey key) {
    return get(key, URI.class);
  }

  /**
   * An error about a key of this provider, for checks that span values.
   *
   * @param key the offending key
   * @param message what is wrong, without the secret value
   * @return the exception to throw
   */
  public InvalidConfigurationException invalid(ConfigKey key, String message) {
    return new InvalidConfigurationException(fullName(key), fullName(key) + ": " + message);
  }

  private static String envHint(ConfigKey key) {
    return key.envVars().isEmpty() ? "" : " (or set " + String.join(" or ", key.envVars()) + ")";
  }

  /**
   * Lists the resolved values with secrets masked.
   *
   * @return for example {@code StorageConfig{type=azure, prefix=prod, storage.azure.account-key=****}}
   */
  @Override
  public String toString() {
    return "StorageConfig{type=" + providerType + ", prefix=" + prefix + values.entrySet().stream()
        .map(e -> ", " + fullName(e.getKey()) + "=" + (e.getKey().secret() ? "****" : e.getValue().value())
            + (e.getValue().source() == Source.ENVIRONMENT ? " (from " + e.getValue().origin() + ")" : ""))
        .collect(Collectors.joining()) + "}";
  }
}
