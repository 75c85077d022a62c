package io.kafkabackup.backup.format;

import io.kafkabackup.backup.BackupException;

/**
 * A segment's bytes do not match what was written: a block's CRC32C, the footer, or the SHA-256
 * recorded when it was committed. The message names the segment.
 */
public class CorruptSegmentException extends BackupException {
  private static final long serialVersionUID = 1L;

  private final String segment;

  /**
   * Creates the exception.
   *
   * @param segment the segment's name (its object key)
   * @param problem what is wrong with it
   */
  public CorruptSegmentException(String segment, String problem) {
    super("corrupt segment '" + segment + "': " + problem);
    this.segment = segment;
  }

  /**
   * Creates the exception with a cause.
   *
   * @param segment the segment's name (its object key)
   * @param problem what is wrong with it
   * @param cause what was thrown while decoding
   */
  public CorruptSegmentException(String segment, String problem, Throwable cause) {
    super("corrupt segment '" + segment + "': " + problem, cause);
    this.segment = segment;
  }

  /**
   * The segment that failed.
   *
   * @return its name
   */
  public String segment() {
    return segment;
  }
}
