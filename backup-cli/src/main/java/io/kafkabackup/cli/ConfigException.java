package io.kafkabackup.cli;

/**
 * The configuration file or the command line is wrong: the CLI prints the message (which names the key
 * and, for the file, the line) and exits with {@link ExitCode#CONFIG}, before any work is done.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the key and where it is
   */
  public ConfigException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, naming the key and where it is
   * @param cause the underlying failure
   */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
