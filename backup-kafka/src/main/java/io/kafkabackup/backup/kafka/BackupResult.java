package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.model.BackupState;
import java.util.List;

/**
 * What a backup run did.
 *
 * @param backupId the backup
 * @param state how the run ended
 * @param partitions each partition's final progress
 * @param records records committed by this run
 * @param bytes segment bytes committed by this run
 * @param segments segments committed by this run
 * @param elapsedMillis how long the run took, in milliseconds
 */
public record BackupResult(
    String backupId, BackupState state, List<PartitionProgress> partitions, long records, long bytes, long segments,
    long elapsedMillis) {
}
