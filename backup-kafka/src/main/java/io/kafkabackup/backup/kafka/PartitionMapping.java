package io.kafkabackup.backup.kafka;

/** Where a restored record of a source partition goes in its target topic. */
public enum PartitionMapping {
  /** To the partition with the same number (the default); the target needs at least as many partitions. */
  KEEP,
  /**
   * By the hash of the record's key, as Kafka's default partitioner does (murmur2), into however many
   * partitions the target has; records without a key keep {@code source partition % target count}. Each
   * key's records stay in one partition, in order.
   */
  KEY_HASH
}
