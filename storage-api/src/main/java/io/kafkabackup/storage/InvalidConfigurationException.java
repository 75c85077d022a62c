package io.kafkabackup.storage;

import java.util.Optional;

/**
 * A configuration value is missing, unknown or malformed. {@link #configKey()} names the offending key
 * (for example {@code storage.azure.container}); the message says what is expected. Secret values are
 * never repeated in the message.
 */
public class InvalidConfigurationException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String configKey;

  /**
   * Creates the error.
   *
   * @param configKey the offending configuration key, or {@code null} if the problem spans several keys
   * @param message what is wrong and what is expected
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidConfigurationException(String configKey, String message, Throwable cause) {
    super(message, cause, false);
    this.configKey = configKey;
  }

  /**
   * Creates the error without a cause.
   *
   * @param configKey the offending configuration key, or {@code null}
   * @param message what is wrong and what is expected
   */
  public InvalidConfigurationException(String configKey, String message) {
    this(configKey, message, null);
  }

  /**
   * The configuration key at fault.
   *
   * @return the full key, such as {@code storage.filesystem.root}
   */
  public Optional<String> configKey() {
    return Optional.ofNullable(configKey);
  }
}
