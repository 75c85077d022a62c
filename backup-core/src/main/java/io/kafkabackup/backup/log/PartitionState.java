package io.kafkabackup.backup.log;

import java.util.List;

/**
 * A partition's backup as its commit log says it is: nothing else counts.
 *
 * @param lastSequence the sequence of the newest commit, {@code -1} for an empty log
 * @param owner the writer of the newest claim, or null
 * @param startOffset the first offset the backup covers, {@code -1} if nothing is covered yet
 * @param nextOffset where a backup resumes, {@code -1} if nothing is covered yet
 * @param segments every committed segment in offset order
 * @param skipped offset ranges lost before they could be read
 * @param commitsSinceCheckpoint commits after the newest checkpoint (or since the start)
 */
public record PartitionState(
    long lastSequence, String owner, long startOffset, long nextOffset, List<SegmentEntry> segments,
    List<OffsetRange> skipped, int commitsSinceCheckpoint) {

  /** The state of a partition nobody has written. */
  public static final PartitionState EMPTY = new PartitionState(-1, null, -1, -1, List.of(), List.of(), 0);

  /**
   * Copies the lists.
   *
   * @param lastSequence the newest sequence
   * @param owner the newest claimant
   * @param startOffset the first covered offset
   * @param nextOffset the resume position
   * @param segments the segments
   * @param skipped the lost ranges
   * @param commitsSinceCheckpoint commits after the newest checkpoint
   */
  public PartitionState {
    segments = List.copyOf(segments);
    skipped = List.copyOf(skipped);
  }

  /**
   * Records held by the committed segments.
   *
   * @return the sum of their record counts
   */
  public long recordCount() {
    return segments.stream().mapToLong(SegmentEntry::recordCount).sum();
  }

  /**
   * Bytes stored by the committed segments.
   *
   * @return the sum of their sizes
   */
  public long storedBytes() {
    return segments.stream().mapToLong(SegmentEntry::storedBytes).sum();
  }
}
