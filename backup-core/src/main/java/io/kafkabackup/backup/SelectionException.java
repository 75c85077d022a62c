package io.kafkabackup.backup;

/**
 * What was asked for does not exist: a topic named in a selection, a selection that matches nothing, an
 * incarnation of a topic that the backup does not hold. Nothing was done; the caller fixes its input
 * (the CLI reports it as a configuration error).
 */
public class SelectionException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was asked for and what exists instead
   */
  public SelectionException(String message) {
    super(message);
  }
}
