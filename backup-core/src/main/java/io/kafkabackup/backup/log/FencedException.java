package io.kafkabackup.backup.log;

import io.kafkabackup.backup.BackupException;

/**
 * Another writer committed to a partition's log first: this writer's view of the partition is stale and
 * it must stop writing it. Nothing it has not committed is part of the backup.
 */
public class FencedException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which partition, which sequence, and who holds it
   */
  public FencedException(String message) {
    super(message);
  }
}
