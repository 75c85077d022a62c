package io.kafkabackup.backup.kafka;

import java.util.List;

/**
 * What a restore run did.
 *
 * @param plan what it set out to do
 * @param partitions each source partition's final progress
 * @param records records produced by this run
 * @param bytes key and value bytes produced by this run
 * @param elapsedMillis how long it took, in milliseconds
 */
public record RestoreResult(
    RestorePlan plan, List<PartitionProgress> partitions, long records, long bytes, long elapsedMillis) {
}
