package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.OffsetRange;
import java.util.List;

/**
 * What a backup holds of one incarnation of a partition (the partition while its topic had one topic id).
 *
 * @param topicId the Kafka topic id, or null when unknown (history written in format 1)
 * @param topicIdFrom {@code -1} when the id holds for the whole span, else the first offset it is known for
 * @param openedAt when its first commit was written, or null when unknown
 * @param closedAt when a newer incarnation replaced it, or null for the current one
 * @param startOffset the first offset covered ({@code -1} if none)
 * @param nextOffset the resume position ({@code -1} if none)
 * @param records records stored
 * @param absentOffsets offsets in the covered span with no record (compaction, transaction markers,
 *     aborted records)
 * @param skipped ranges lost before they could be read (retention)
 * @param segments committed segments
 * @param storedBytes bytes stored in them
 * @param minTimestamp the smallest record timestamp ({@code -1} if none)
 * @param maxTimestamp the largest record timestamp ({@code -1} if none)
 */
public record IncarnationSummary(
    String topicId, long topicIdFrom, String openedAt, String closedAt, long startOffset, long nextOffset,
    long records, long absentOffsets, List<OffsetRange> skipped, long segments, long storedBytes, long minTimestamp,
    long maxTimestamp) {

  /** Sums the incarnation up from the summaries its state holds, without opening a manifest. */
  static IncarnationSummary of(Incarnation incarnation) {
    long skippedCount = incarnation.skipped().stream().mapToLong(OffsetRange::length).sum();
    long covered = incarnation.nextOffset() < 0 ? 0 : incarnation.nextOffset() - incarnation.startOffset();
    // Every covered offset is a record, skipped (deleted before it was read) or absent from the log.
    long absent = covered - incarnation.recordCount() - skippedCount;
    return new IncarnationSummary(incarnation.topicId(), incarnation.topicIdFrom(), incarnation.openedAt(),
        incarnation.closedAt(), incarnation.startOffset(), incarnation.nextOffset(), incarnation.recordCount(), absent,
        incarnation.skipped(), incarnation.segmentCount(), incarnation.storedBytes(), incarnation.minTimestamp(),
        incarnation.maxTimestamp());
  }
}
