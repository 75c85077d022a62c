package io.kafkabackup.storage.spi;

import io.kafkabackup.storage.StorageBackend;
import java.util.List;

/**
 * Plugs a backend into {@link io.kafkabackup.storage.StorageBackends}. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.kafkabackup.storage.spi.StorageBackendProvider}.
 *
 * <p>The factory validates the configuration against {@link #configKeys()} before calling
 * {@link #open}, so a provider only checks rules that span several keys.
 */
public interface StorageBackendProvider {

  /**
   * The type that selects this provider in {@code storage.backend}.
   *
   * @return a lower-case name such as {@code filesystem}, {@code s3} or {@code azure}
   */
  String type();

  /**
   * One line about the backend, for listings and errors.
   *
   * @return the description
   */
  String description();

  /**
   * The settings of this provider, configured as {@code storage.<type>.<name>}.
   *
   * @return the keys
   */
  List<ConfigKey> configKeys();

  /**
   * Opens a backend. The caller owns it and closes it.
   *
   * @param config the validated configuration
   * @return the backend
   * @throws io.kafkabackup.storage.InvalidConfigurationException if the values do not fit together
   */
  StorageBackend open(StorageConfig config);
}
