package io.kafkabackup.backup.log;

/**
 * Which segments a reader wants: those whose records may fall in an offset range and a time range
 * (both inclusive). The same test decides, from a {@link ManifestRef}'s summary, whether a manifest
 * needs to be opened at all, and whether it can be counted without being opened.
 *
 * @param fromOffset the first offset wanted
 * @param toOffset the last offset wanted
 * @param fromTimestamp the earliest record timestamp wanted
 * @param toTimestamp the latest record timestamp wanted
 */
public record SegmentFilter(long fromOffset, long toOffset, long fromTimestamp, long toTimestamp) {

  /** Every segment. */
  public static final SegmentFilter ALL = new SegmentFilter(0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE);

  /**
   * Tells whether a segment may hold a wanted record.
   *
   * @param segment a committed segment
   * @return whether its offsets and timestamps overlap the ranges
   */
  public boolean accepts(SegmentEntry segment) {
    return segment.lastOffset() >= fromOffset && segment.firstOffset() <= toOffset
        && segment.maxTimestamp() >= fromTimestamp && segment.minTimestamp() <= toTimestamp;
  }

  /**
   * Tells whether a manifest may hold a segment this filter accepts.
   *
   * @param manifest a manifest's summary
   * @return whether it must be opened to know
   */
  public boolean overlaps(ManifestRef manifest) {
    return manifest.nextOffset() - 1 >= fromOffset && manifest.startOffset() <= toOffset
        && manifest.maxTimestamp() >= fromTimestamp && manifest.minTimestamp() <= toTimestamp;
  }

  /**
   * Tells whether this filter accepts every segment of a manifest, so its summary's figures hold for
   * the selection as they are.
   *
   * @param manifest a manifest's summary
   * @return whether all of it is wanted
   */
  public boolean contains(ManifestRef manifest) {
    return manifest.startOffset() >= fromOffset && manifest.nextOffset() - 1 <= toOffset
        && manifest.minTimestamp() >= fromTimestamp && manifest.maxTimestamp() <= toTimestamp;
  }
}
