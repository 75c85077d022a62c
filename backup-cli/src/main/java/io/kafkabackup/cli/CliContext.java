package io.kafkabackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What a command needs from its options and file: the storage and Kafka settings, resolved and checked. */
final class CliContext {
  private static final Set<String> KAFKA_SECRET_WORDS = Set.of("password", "jaas", "secret", "token", "credential");

  final ConfigFile file;
  final Map<String, String> env;
  final PrintWriter out;
  private final CommonOptions common;
  private final Map<String, String> presetStorage;

  CliContext(CommonOptions common, Map<String, String> env, Map<String, String> presetStorage, PrintWriter out) {
    this.common = common;
    this.env = env;
    this.presetStorage = presetStorage;
    this.out = out;
    this.file = common.config == null ? ConfigFile.empty() : ConfigFile.load(common.config, env);
  }

  Section section(String name) {
    return file.section(name);
  }

  /** The storage.* keys: plugin mode's, then the file's, then {@code --storage}'s. */
  Map<String, String> storageConfig() {
    Map<String, String> config = new TreeMap<>(presetStorage);
    config.putAll(StorageSection.resolve(file.section("storage"), common.secretDir, env));
    common.storage.forEach((k, v) -> config.put(k.startsWith("storage.") ? k : "storage." + k, v));
    if (!config.containsKey("storage.backend")) {
      throw new ConfigException(file.source() + ": storage.backend is required (storage: backend: filesystem|s3|azure,"
          + " or the operator's storageType:)");
    }
    return config;
  }

  /** Opens the storage; a bad setting is a configuration error naming the key and its line. */
  StorageBackend openStorage() {
    return openStorage(null);
  }

  /** Opens the storage, recording its requests into {@code registry} when one is given. */
  StorageBackend openStorage(MeterRegistry registry) {
    Map<String, String> config = storageConfig();
    try {
      StorageBackends.Builder builder = StorageBackends.builder().config(config).environment(env);
      if (registry != null) {
        builder.meterRegistry(registry);
      }
      return builder.open();
    } catch (InvalidConfigurationException e) {
      String key = e.configKey().orElse("storage");
      throw file.error(key, e.getMessage());
    }
  }

  /**
   * Opens the key-encryption key service that {@code storage.encryption.*} configures; a bad setting is a
   * configuration error naming the key.
   *
   * @return the service, which the caller closes, or null when encryption is not configured
   */
  KeyWrapper openKeyWrapper() {
    try {
      return KeyWrappers.open(storageConfig(), env, CliContext.class.getClassLoader()).orElse(null);
    } catch (InvalidConfigurationException e) {
      throw file.error(e.configKey().orElse("storage.encryption"), e.getMessage());
    }
  }

  /** Kafka client properties from the file (nested keys joined with dots) and {@code -X}, flags last. */
  Map<String, Object> kafkaConfig() {
    return kafkaConfig(null);
  }

  /**
   * The cluster a restore writes to: {@code restore.kafka:} over {@code kafka:} (so one file backs up one
   * cluster and restores into another), then {@code -X}.
   */
  Map<String, Object> restoreKafkaConfig() {
    return kafkaConfig(file.section("restore").node().get("kafka"));
  }

  private Map<String, Object> kafkaConfig(JsonNode override) {
    Map<String, Object> props = new TreeMap<>();
    flatten(file.section("kafka").node(), "", props);
    if (override != null && override.isObject()) {
      flatten(override, "", props);
    }
    props.putAll(common.kafka);
    if (!props.containsKey("bootstrap.servers")) {
      throw new ConfigException(file.source() + ": kafka.bootstrap.servers is required (kafka: bootstrap.servers: "
          + "host:9092, or -X bootstrap.servers=host:9092" + (override == null ? "" : ", or restore.kafka:") + ")");
    }
    return props;
  }

  private static void flatten(JsonNode node, String prefix, Map<String, Object> out) {
    node.properties().forEach(e -> {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(e.getValue(), key, out);
      } else if (!e.getValue().isNull()) {
        out.put(key, e.getValue().asText());
      }
    });
  }

  /** The resolved configuration with every secret masked, for {@code config check}. */
  Map<String, String> maskedConfig() {
    Map<String, String> masked = new TreeMap<>();
    Set<String> secretKeys = new HashSet<>();
    for (StorageBackendProvider provider : StorageBackends.providers()) {
      for (ConfigKey key : provider.configKeys()) {
        if (key.secret()) {
          secretKeys.add(key.fullName(provider.type()));
        }
      }
    }
    for (KeyWrapperProvider provider : KeyWrappers.providers(CliContext.class.getClassLoader())) {
      for (ConfigKey key : provider.configKeys()) {
        if (key.secret()) {
          secretKeys.add(key.fullName("encryption." + provider.type()));
        }
      }
    }
    storageConfig().forEach((k, v) -> masked.put(k, secretKeys.contains(k) ? "****" : v));
    kafkaConfig().forEach((k, v) -> masked.put("kafka." + k, isKafkaSecret(k) ? "****" : String.valueOf(v)));
    return masked;
  }

  private static boolean isKafkaSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return KAFKA_SECRET_WORDS.stream().anyMatch(k::contains) || k.endsWith(".key");
  }
}
