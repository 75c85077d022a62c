package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.log.OffsetRange;
import java.util.List;

/**
 * What a backup holds of one partition, from its commit log.
 *
 * @param partition the partition number
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
public record PartitionSummary(
    int partition, long startOffset, long nextOffset, long records, long absentOffsets, List<OffsetRange> skipped,
    int segments, long storedBytes, long minTimestamp, long maxTimestamp) {
}
