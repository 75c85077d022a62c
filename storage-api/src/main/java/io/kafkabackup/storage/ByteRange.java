package io.kafkabackup.storage;

/**
 * A span of bytes to read from an object, with {@code long} offsets so objects beyond 2 GiB are
 * addressed exactly.
 *
 * <p>A read fails with {@link InvalidRangeException} when {@link #offset()} is at or beyond the end of
 * the object (so any range of an empty object fails); a range that runs past the end is cut at the end,
 * as HTTP range requests are.
 *
 * @param offset the first byte, from 0
 * @param length how many bytes at most, at least 1; {@link Long#MAX_VALUE} for "to the end"
 */
public record ByteRange(long offset, long length) {

  /**
   * Validates the range.
   *
   * @param offset the first byte, from 0
   * @param length how many bytes at most, at least 1
   */
  public ByteRange {
    if (offset < 0) {
      throw new IllegalArgumentException("range offset must be >= 0, was " + offset);
    }
    if (length < 1) {
      throw new IllegalArgumentException("range length must be >= 1, was " + length);
    }
  }

  /**
   * A range of {@code length} bytes starting at {@code offset}.
   *
   * @param offset the first byte
   * @param length how many bytes at most
   * @return the range
   */
  public static ByteRange of(long offset, long length) {
    return new ByteRange(offset, length);
  }

  /**
   * Everything from {@code offset} to the end of the object.
   *
   * @param offset the first byte
   * @return the range
   */
  public static ByteRange from(long offset) {
    return new ByteRange(offset, Long.MAX_VALUE);
  }

  /**
   * Whether the range runs to the end of the object.
   *
   * @return {@code true} for ranges made by {@link #from(long)}
   */
  public boolean isOpenEnded() {
    return length == Long.MAX_VALUE || offset + length < 0;
  }

  /**
   * The offset of the last byte, inclusive, as HTTP {@code Range} headers write it.
   *
   * @return the last offset, or {@link Long#MAX_VALUE} for open-ended ranges
   */
  public long lastOffset() {
    return isOpenEnded() ? Long.MAX_VALUE : offset + length - 1;
  }

  /**
   * How many bytes the range covers in an object of the given size.
   *
   * @param objectSize the size of the object
   * @return the number of bytes to return
   * @throws InvalidRangeException if the range starts at or beyond the end
   */
  public long lengthWithin(long objectSize) {
    if (offset >= objectSize) {
      throw new InvalidRangeException(
          "range starting at " + offset + " is beyond the end of an object of " + objectSize + " bytes");
    }
    return Math.min(length, objectSize - offset);
  }
}
