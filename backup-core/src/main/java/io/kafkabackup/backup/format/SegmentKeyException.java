package io.kafkabackup.backup.format;

import io.kafkabackup.backup.BackupException;

/**
 * The data key of an encrypted segment cannot be had: its key object is missing, no key-encryption key
 * (KEK) is configured or it is the wrong one, or the key service refused or could not be reached. The
 * message names the segment and the KEK id, never key material. Nothing of the segment was produced.
 */
public final class SegmentKeyException extends BackupException {
  private static final long serialVersionUID = 1L;

  /** The segment whose key is missing. */
  private final String segment;

  /**
   * Makes the exception.
   *
   * @param segment the segment's name
   * @param problem what is wrong, naming the key-encryption key's id where known
   * @param cause the underlying failure, or null
   */
  public SegmentKeyException(String segment, String problem, Throwable cause) {
    super("cannot decrypt segment " + segment + ": " + problem, cause);
    this.segment = segment;
  }

  /**
   * The segment's name.
   *
   * @return its object key
   */
  public String segment() {
    return segment;
  }
}
