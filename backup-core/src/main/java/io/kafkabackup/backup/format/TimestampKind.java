package io.kafkabackup.backup.format;

/**
 * How a record's timestamp was set, as Kafka reports it. Stored as one byte in a segment.
 */
public enum TimestampKind {
  /** The producer set the timestamp (Kafka's {@code CreateTime}). */
  CREATE_TIME(0),
  /** The broker set it when appending (Kafka's {@code LogAppendTime}). */
  LOG_APPEND_TIME(1),
  /** The record carries no timestamp (Kafka's {@code NoTimestampType}). */
  NONE(2);

  private final int code;

  TimestampKind(int code) {
    this.code = code;
  }

  /**
   * The byte written in the segment.
   *
   * @return 0, 1 or 2
   */
  public int code() {
    return code;
  }

  /**
   * The kind stored as {@code code}.
   *
   * @param code the stored byte
   * @return the kind
   * @throws IllegalArgumentException for an unknown code
   */
  public static TimestampKind ofCode(int code) {
    for (TimestampKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown timestamp type code " + code);
  }
}
