package io.kafkabackup.storage.spi;

import io.kafkabackup.storage.KeyWrapper;
import java.util.List;

/**
 * Plugs a key-encryption key service into {@link io.kafkabackup.storage.KeyWrappers}. Implementations
 * are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.kafkabackup.storage.spi.KeyWrapperProvider}. Like a storage provider,
 * its keys are declared once ({@code storage.encryption.<type>.<name>}) and validated before
 * {@link #open}.
 */
public interface KeyWrapperProvider {

  /**
   * The type that selects this provider in {@code storage.encryption.kek}.
   *
   * @return a lower-case name such as {@code local}, {@code azure-key-vault} or {@code aws-kms}
   */
  String type();

  /**
   * One line about the service, for listings and errors.
   *
   * @return the description
   */
  String description();

  /**
   * The settings of this provider, configured as {@code storage.encryption.<type>.<name>}.
   *
   * @return the keys
   */
  List<ConfigKey> configKeys();

  /**
   * Opens the service. The caller owns it and closes it.
   *
   * @param config the validated configuration; its provider type is {@code encryption.<type>}
   * @return the key wrapper
   * @throws io.kafkabackup.storage.InvalidConfigurationException if the values do not fit together
   */
  KeyWrapper open(StorageConfig config);
}
