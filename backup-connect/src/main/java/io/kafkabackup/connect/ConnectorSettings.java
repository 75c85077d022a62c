package io.kafkabackup.connect;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The settings both connectors share: {@code storage.*} (the same strict keys as the CLI and the library,
 * each provider's secrets declared as {@link ConfigDef.Type#PASSWORD} so that Connect masks them in its
 * REST API and logs) and {@code kafka.*} (the clients the engine opens itself: the admin client that
 * reads topic ids, offsets and group offsets, and for a restore the target cluster's).
 */
final class ConnectorSettings {
  static final String KAFKA_PREFIX = "kafka.";
  static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  /** Kafka client settings that carry secrets. */
  private static final List<String> KAFKA_SECRETS = List.of("sasl.jaas.config", "ssl.key.password",
      "ssl.keystore.password", "ssl.truststore.password", "ssl.keystore.key", "ssl.keystore.certificate.chain",
      "ssl.truststore.certificates");
  private static final String STORAGE_GROUP = "Storage";
  private static final String KAFKA_GROUP = "Kafka clients";
  private static final String ENCRYPTION_GROUP = "Encryption";

  private ConnectorSettings() {
  }

  /** Adds the {@code storage.*} and {@code kafka.*} keys to a connector's definition. */
  static ConfigDef define(ConfigDef def) {
    def.define(StorageBackends.BACKEND, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
        "The storage backend: " + String.join(", ", providerTypes()) + ".", STORAGE_GROUP, 1, ConfigDef.Width.SHORT,
        StorageBackends.BACKEND);
    def.define(StorageBackends.PREFIX, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
        "A key prefix under which the backups are kept.", STORAGE_GROUP, 2, ConfigDef.Width.MEDIUM,
        StorageBackends.PREFIX);
    int order = 3;
    for (StorageBackendProvider provider : StorageBackends.providers()) {
      for (ConfigKey key : provider.configKeys()) {
        String name = key.fullName(provider.type());
        def.define(name, key.secret() ? ConfigDef.Type.PASSWORD : ConfigDef.Type.STRING, null,
            key.required() ? ConfigDef.Importance.HIGH : ConfigDef.Importance.LOW, key.description(), STORAGE_GROUP,
            order++, ConfigDef.Width.MEDIUM, name);
      }
    }
    def.define(KeyWrappers.KEK, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
        "Encrypts new segments under this key-encryption provider (and decrypts with it): "
            + String.join(", ", KeyWrappers.providers(ConnectorSettings.class.getClassLoader()).stream()
            .map(KeyWrapperProvider::type).toList()) + ". Unset: nothing is encrypted.",
        ENCRYPTION_GROUP, 1, ConfigDef.Width.SHORT, KeyWrappers.KEK);
    order = 2;
    for (KeyWrapperProvider provider : KeyWrappers.providers(ConnectorSettings.class.getClassLoader())) {
      for (ConfigKey key : provider.configKeys()) {
        String name = key.fullName("encryption." + provider.type());
        def.define(name, key.secret() ? ConfigDef.Type.PASSWORD : ConfigDef.Type.STRING, null,
            ConfigDef.Importance.LOW, key.description(), ENCRYPTION_GROUP, order++, ConfigDef.Width.MEDIUM, name);
      }
    }
    def.define(KAFKA_BOOTSTRAP, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
        "The cluster's bootstrap servers, for the clients the connector opens itself (admin; a restore's "
            + "target). Any other kafka.* key is passed to them without the prefix (security settings).",
        KAFKA_GROUP, 1, ConfigDef.Width.LONG, KAFKA_BOOTSTRAP);
    order = 2;
    for (String secret : KAFKA_SECRETS) {
      def.define(KAFKA_PREFIX + secret, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
          "The Kafka client's " + secret + ".", KAFKA_GROUP, order++, ConfigDef.Width.LONG, KAFKA_PREFIX + secret);
    }
    return def;
  }

  private static List<String> providerTypes() {
    return StorageBackends.providers().stream().map(StorageBackendProvider::type).toList();
  }

  /**
   * Opens the storage a connector configuration names: its {@code storage.*} keys, as given (the raw
   * configuration holds secrets in clear; only Connect's parsed form masks them).
   */
  static StorageBackend openStorage(Map<String, String> originals) {
    Map<String, String> config = new TreeMap<>();
    originals.forEach((k, v) -> {
      if (k.startsWith("storage.") && v != null) {
        config.put(k, v);
      }
    });
    return StorageBackends.builder().config(config).open();
  }

  /**
   * Opens the key-encryption key service the {@code storage.encryption.*} keys configure, from the raw
   * configuration like {@link #openStorage}.
   *
   * @return the service, which the caller closes, or null when encryption is not configured
   */
  static KeyWrapper openKeyWrapper(Map<String, String> originals) {
    Map<String, String> config = new TreeMap<>();
    originals.forEach((k, v) -> {
      if (k.startsWith(KeyWrappers.SECTION) && v != null) {
        config.put(k, v);
      }
    });
    return KeyWrappers.open(config, System.getenv(), ConnectorSettings.class.getClassLoader()).orElse(null);
  }

  /** The client properties the {@code kafka.*} keys give. */
  static Map<String, Object> kafkaClient(Map<String, String> originals) {
    Map<String, Object> props = new HashMap<>();
    originals.forEach((k, v) -> {
      if (k.startsWith(KAFKA_PREFIX) && v != null) {
        props.put(k.substring(KAFKA_PREFIX.length()), v);
      }
    });
    return props;
  }

  /**
   * Opens and closes the storage, turning a refusal into an error on the key it names (or on
   * {@code storage.backend}), so that {@code PUT /connector-plugins/.../config/validate} and a connector's
   * creation report it before any task starts.
   */
  static void validateStorage(Map<String, String> originals, Map<String, ConfigValue> values) {
    try (StorageBackend storage = openStorage(originals)) {
      storage.capabilities();
    } catch (InvalidConfigurationException e) {
      String key = e.configKey().orElse(StorageBackends.BACKEND);
      values.computeIfAbsent(key, ConfigValue::new).addErrorMessage(e.getMessage());
    } catch (RuntimeException e) {
      values.computeIfAbsent(StorageBackends.BACKEND, ConfigValue::new)
          .addErrorMessage("the storage could not be opened: " + e.getMessage());
    }
    try {
      // Opened for its configuration's checks only: a key service is first called by a task.
      KeyWrapper kek = openKeyWrapper(originals);
      if (kek != null) {
        kek.close();
      }
    } catch (InvalidConfigurationException e) {
      values.computeIfAbsent(e.configKey().orElse(KeyWrappers.KEK), ConfigValue::new).addErrorMessage(e.getMessage());
    }
  }

  /**
   * A connector's validation: the definition's own checks, then {@code frameworkChecks} on the settings
   * the framework owns (converters, isolation level, transaction boundaries), then — when the definition
   * found nothing — the translation into the engine's options and the storage's opening, each problem
   * reported on the key it concerns.
   *
   * @param base the definition's result
   * @param configs the configuration
   * @param mainKey the key a problem of the translation is reported on when it names none
   * @param frameworkChecks adds errors on framework keys
   * @param translate builds the engine's options; throws {@link ConfigException} naming a key
   */
  static Config validate(Config base, Map<String, String> configs, String mainKey,
      BiConsumer<Map<String, String>, Map<String, ConfigValue>> frameworkChecks,
      Consumer<Map<String, String>> translate) {
    Map<String, ConfigValue> values = new LinkedHashMap<>();
    base.configValues().forEach(v -> values.put(v.name(), v));
    boolean valid = values.values().stream().allMatch(v -> v.errorMessages().isEmpty());
    frameworkChecks.accept(configs, values);
    if (valid) {
      try {
        translate.accept(configs);
        validateStorage(configs, values);
      } catch (ConfigException e) {
        values.computeIfAbsent(mainKey, ConfigValue::new).addErrorMessage(e.getMessage());
      }
    }
    return new Config(new ArrayList<>(values.values()));
  }

  /** Adds an error on a key outside the connector's own definition (a framework setting). */
  static void require(Map<String, String> originals, Map<String, ConfigValue> values, String key, Set<String> allowed,
      String why) {
    String value = originals.get(key);
    if (value == null || !allowed.contains(value.trim())) {
      // No value on it: the framework converts values of its own keys by their type (a class, for a converter).
      values.computeIfAbsent(key, ConfigValue::new).addErrorMessage(key + " must be " + String.join(" or ", allowed) + (value == null ? " (it is not set)"
          : ", not '" + value + "'") + ": " + why);
    }
  }

  /** The configuration with the definition's defaults filled in for the string keys that are unset. */
  static Map<String, String> withDefaults(ConfigDef def, Map<String, String> props) {
    Map<String, String> values = new HashMap<>(props);
    def.configKeys().forEach((name, key) -> {
      if (!values.containsKey(name) && key.hasDefault() && key.defaultValue instanceof String s) {
        values.put(name, s);
      }
    });
    return values;
  }

  /** A duration such as {@code 30s} or {@code 5m}, or the default when unset. */
  static Duration duration(Map<String, String> originals, String key, Duration dflt) {
    String raw = originals.get(key);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    Duration parsed = ConfigKey.parseDuration(raw.trim());
    if (parsed == null) {
      throw new ConfigException(key, raw, "expected a duration such as 500ms, 30s, 5m, 1h or PT30S");
    }
    return parsed;
  }

  /** A size such as {@code 64MiB}, or the default when unset. */
  static Long size(Map<String, String> originals, String key, Long dflt) {
    String raw = originals.get(key);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    Long parsed = ConfigKey.parseSize(raw.trim());
    if (parsed == null) {
      throw new ConfigException(key, raw, "expected a size such as 8388608, 64MiB or 1GiB");
    }
    return parsed;
  }

  /** A validator of {@link #duration} keys, for the connector's definition. */
  static ConfigDef.Validator durationValidator() {
    return (name, value) -> {
      if (value != null) {
        duration(Map.of(name, value.toString()), name, null);
      }
    };
  }

  /** A validator of {@link #size} keys, for the connector's definition. */
  static ConfigDef.Validator sizeValidator() {
    return (name, value) -> {
      if (value != null) {
        size(Map.of(name, value.toString()), name, null);
      }
    };
  }
}
