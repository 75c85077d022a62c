package io.kafkabackup.storage;

import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Opens the key-encryption key service that {@code storage.encryption.*} configures, choosing the
 * provider named by {@code storage.encryption.kek} among those found on the classpath:
 *
 * <pre>{@code
 * storage.encryption.kek=local
 * storage.encryption.local.key-id=2026-12
 * storage.encryption.local.key-dir=/etc/kafka-backup/keys
 * }</pre>
 *
 * <p>Without {@code storage.encryption.kek} nothing is encrypted and no key is available: encrypted
 * backups can then be verified for their structure only. Validation is as strict as
 * {@link StorageBackends}': an unknown key under {@code storage.encryption.} fails naming it.
 */
public final class KeyWrappers {
  /** The section of the configuration that holds encryption settings. */
  public static final String SECTION = "storage.encryption.";
  /** Selects the provider: {@code local}, {@code azure-key-vault}, {@code aws-kms} or a third party's. */
  public static final String KEK = SECTION + "kek";

  private KeyWrappers() {
  }

  /**
   * Opens the configured key wrapper, if encryption is configured.
   *
   * @param config keys and values; keys outside {@code storage.encryption.} are ignored
   * @param environment where keys' environment variables are looked up
   * @param classLoader where providers are found
   * @return the key wrapper, or empty when {@code storage.encryption.kek} is not set
   * @throws InvalidConfigurationException naming the offending key
   */
  public static Optional<KeyWrapper> open(Map<String, String> config, Map<String, String> environment,
      ClassLoader classLoader) {
    Map<String, String> keys = new TreeMap<>();
    config.forEach((k, v) -> {
      if (k.startsWith(SECTION)) {
        keys.put(k, v);
      }
    });
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    List<KeyWrapperProvider> providers = providers(classLoader);
    String types = providers.stream().map(KeyWrapperProvider::type).collect(Collectors.joining(", ", "[", "]"));
    String requested = keys.get(KEK);
    if (requested == null || requested.isBlank()) {
      throw new InvalidConfigurationException(KEK, KEK + " is required when " + keys.keySet().iterator().next()
          + " is set: it names the key-encryption key's provider, one of " + types);
    }
    KeyWrapperProvider provider = providers.stream().filter(p -> p.type().equals(requested.trim())).findFirst()
        .orElseThrow(() -> new InvalidConfigurationException(KEK, KEK + "=" + requested + ": no key-encryption "
            + "provider of that type on the classpath; found " + types
            + ConfigKey.closest(requested.trim(), providers.stream().map(KeyWrapperProvider::type)
                .collect(Collectors.toList())).map(s -> "; did you mean '" + s + "'?").orElse("")));
    String section = "encryption." + provider.type();
    List<String> known = new ArrayList<>(List.of(KEK));
    provider.configKeys().forEach(k -> known.add(k.fullName(section)));
    for (String key : keys.keySet()) {
      boolean otherProvider = providers.stream()
          .anyMatch(p -> p != provider && key.startsWith(SECTION + p.type() + "."));
      if (!known.contains(key) && !otherProvider) {
        throw new InvalidConfigurationException(key, "unknown configuration key '" + key + "'"
            + ConfigKey.closest(key, known).map(s -> "; did you mean '" + s + "'?").orElse("")
            + "; keys of " + KEK + "=" + provider.type() + ": " + known);
      }
    }
    StorageConfig resolved = new StorageConfig(section, KeyPrefix.none(),
        StorageBackends.resolveSection(section, provider.configKeys(), keys, environment, KEK + "=" + provider.type()),
        null);
    return Optional.of(provider.open(resolved));
  }

  /**
   * Opens the configured key wrapper with the process environment and this class's loader.
   *
   * @param config keys and values
   * @return the key wrapper, or empty when encryption is not configured
   * @throws InvalidConfigurationException naming the offending key
   */
  public static Optional<KeyWrapper> open(Map<String, String> config) {
    return open(config, System.getenv(), KeyWrappers.class.getClassLoader());
  }

  /**
   * The key-encryption providers on the classpath.
   *
   * @param classLoader where to look
   * @return the providers, sorted by type
   */
  public static List<KeyWrapperProvider> providers(ClassLoader classLoader) {
    List<KeyWrapperProvider> found = new ArrayList<>();
    ServiceLoader.load(KeyWrapperProvider.class, classLoader).forEach(found::add);
    found.sort((a, b) -> a.type().compareTo(b.type()));
    return found;
  }
}
