package io.kafkabackup.backup.log;

import java.util.List;

/**
 * One immutable object of a partition's commit log, written create-only at its sequence number. The
 * fields a kind does not use are null.
 *
 * @param format the commit format version: 1 (no topic ids), 2 (topic ids, checkpoints list every
 *     segment) or {@value #FORMAT} (checkpoints name manifests)
 * @param sequence its position in the log, from 0
 * @param kind what it does
 * @param writer the id of the job that wrote it
 * @param committedAt when, as an ISO-8601 instant
 * @param topicId format 2: the Kafka topic id of the incarnation the commit belongs to (for an
 *     {@code incarnation} commit: of the incarnation it starts)
 * @param startOffset for {@code segment}: the first offset covered; for {@code checkpoint}: where the
 *     current incarnation's backup starts; for {@code incarnation}: where the new incarnation starts
 * @param nextOffset the partition's resume position after this commit (claims: the position they found)
 * @param segment for {@code segment}: the segment added, or null for a span without records
 * @param skipped for {@code segment}: offsets lost before they could be read (retention moved the log
 *     start); for a format-1 {@code checkpoint}: all of them so far
 * @param segments for a format-1 {@code checkpoint}: every segment so far, in offset order
 * @param incarnations for a format-2 or 3 {@code checkpoint}: every incarnation so far, oldest first, the
 *     current one last (format 2: each with every segment; format 3: each with its manifests)
 * @param expired for a format-3 {@code checkpoint}: manifests retention dropped whose objects are not
 *     deleted yet
 */
public record Commit(
    int format, long sequence, CommitKind kind, String writer, String committedAt, String topicId,
    Long startOffset, Long nextOffset, SegmentEntry segment, List<OffsetRange> skipped, List<SegmentEntry> segments,
    List<Incarnation> incarnations, List<ExpiredManifest> expired) {

  /** The version written by this code; versions 1 and 2 are still read. */
  public static final int FORMAT = 3;
}
