package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.format.BackupRecord;
import org.apache.kafka.common.utils.Utils;

/** Where a restored record of a source partition goes in its target topic. */
public enum PartitionMapping {
  /** To the partition with the same number (the default); the target needs at least as many partitions. */
  KEEP,
  /**
   * By the hash of the record's key, as Kafka's default partitioner does (murmur2), into however many
   * partitions the target has; records without a key keep {@code source partition % target count}. Each
   * key's records stay in one partition, in order.
   */
  KEY_HASH;

  /**
   * The target partition of a restored record.
   *
   * @param record the record
   * @param sourcePartition the partition it was backed up from
   * @param targetPartitions the target topic's partition count
   * @return the partition it goes to
   */
  int targetPartition(BackupRecord record, int sourcePartition, int targetPartitions) {
    if (this == KEEP) {
      return sourcePartition;
    }
    if (record.key() == null) {
      return sourcePartition % targetPartitions;
    }
    return Utils.toPositive(Utils.murmur2(record.key())) % targetPartitions;
  }
}
