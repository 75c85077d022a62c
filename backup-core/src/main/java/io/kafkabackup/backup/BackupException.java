package io.kafkabackup.backup;

/**
 * A backup, restore or catalog operation failed for a reason the caller should see: corrupt data, a
 * fenced writer, a selection that does not fit the target. Storage failures keep their own
 * {@code StorageException} types.
 */
public class BackupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the backup, topic, partition or object
   */
  public BackupException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what failed, naming the backup, topic, partition or object
   * @param cause the underlying failure
   */
  public BackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
