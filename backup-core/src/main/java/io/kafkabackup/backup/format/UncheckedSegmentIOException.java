package io.kafkabackup.backup.format;

import io.kafkabackup.backup.BackupException;
import java.io.IOException;

/**
 * Reading a segment's bytes failed (the storage stream broke), as opposed to the bytes being wrong.
 * The message names the segment; the cause is the I/O failure, often a retryable storage error.
 */
public class UncheckedSegmentIOException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param segment the segment being read
   * @param cause the I/O failure
   */
  public UncheckedSegmentIOException(String segment, IOException cause) {
    super("failed to read segment '" + segment + "': " + cause.getMessage(), cause);
  }
}
