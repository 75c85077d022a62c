package io.kafkabackup.backup.log;

import java.util.List;

/**
 * One immutable object of a partition's commit log, written create-only at its sequence number. The
 * fields a kind does not use are null.
 *
 * @param format the commit format version ({@value #FORMAT})
 * @param sequence its position in the log, from 0
 * @param kind what it does
 * @param writer the id of the job that wrote it
 * @param committedAt when, as an ISO-8601 instant
 * @param startOffset for {@code segment}: the first offset covered; for {@code checkpoint}: where the
 *     backup of the partition starts
 * @param nextOffset the partition's resume position after this commit (claims: the position they found)
 * @param segment for {@code segment}: the segment added, or null for a span without records
 * @param skipped for {@code segment}: offsets lost before they could be read (retention moved the log
 *     start); for {@code checkpoint}: all of them so far
 * @param segments for {@code checkpoint}: every segment so far, in offset order
 */
public record Commit(
    int format, long sequence, CommitKind kind, String writer, String committedAt, Long startOffset,
    Long nextOffset, SegmentEntry segment, List<OffsetRange> skipped, List<SegmentEntry> segments) {

  /** The version written by this code. */
  public static final int FORMAT = 1;
}
