package io.kafkabackup.backup.log;

/**
 * Offsets {@code [from, to)} of a source partition.
 *
 * @param from the first offset in the range
 * @param to the first offset after it
 */
public record OffsetRange(long from, long to) {

  /**
   * Validates the bounds.
   *
   * @param from the first offset
   * @param to the first offset after the range
   */
  public OffsetRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("bad offset range [" + from + ", " + to + ")");
    }
  }

  /**
   * How many offsets the range spans.
   *
   * @return {@code to - from}
   */
  public long length() {
    return to - from;
  }
}
