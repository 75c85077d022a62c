package io.kafkabackup.backup.log;

import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.format.SegmentSummary;

/**
 * A committed segment as the commit log records it: where it is, which offsets it covers, what its
 * footer says, and its SHA-256, checked on every read.
 *
 * <p>{@code [startOffset, nextOffset)} is the span of the partition the segment accounts for: every
 * offset in it is either a record of the segment or absent from the source (compacted away, a
 * transaction marker, an aborted record). Consecutive entries of a partition are contiguous.
 *
 * @param key the segment's object key
 * @param startOffset the first offset covered
 * @param nextOffset the first offset after the covered span
 * @param firstOffset the offset of its first record
 * @param lastOffset the offset of its last record
 * @param recordCount how many records it holds
 * @param minTimestamp the smallest record timestamp
 * @param maxTimestamp the largest record timestamp
 * @param storedBytes the object's size
 * @param uncompressedBytes the encoded records' size before compression
 * @param codec the block compression
 * @param sha256 the object's hex SHA-256
 */
public record SegmentEntry(
    String key, long startOffset, long nextOffset, long firstOffset, long lastOffset, long recordCount,
    long minTimestamp, long maxTimestamp, long storedBytes, long uncompressedBytes, Codec codec, String sha256) {

  /**
   * Builds the entry for a finished segment.
   *
   * @param key the segment's key
   * @param startOffset the first offset covered
   * @param nextOffset the first offset after the covered span
   * @param summary what the writer returned
   * @return the entry
   */
  public static SegmentEntry of(String key, long startOffset, long nextOffset, SegmentSummary summary) {
    return new SegmentEntry(key, startOffset, nextOffset, summary.firstOffset(), summary.lastOffset(),
        summary.recordCount(), summary.minTimestamp(), summary.maxTimestamp(), summary.storedBytes(),
        summary.uncompressedBytes(), summary.codec(), summary.sha256());
  }

  /**
   * Offsets in the covered span that hold no record of the segment.
   *
   * @return {@code nextOffset - startOffset - recordCount}
   */
  public long absentOffsets() {
    return nextOffset - startOffset - recordCount;
  }
}
