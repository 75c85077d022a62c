package io.kafkabackup.backup.kafka;

/**
 * What a backup job does when one partition cannot be backed up any further (its log was truncated
 * below the backup's position): that partition's backup always stops with one error naming it.
 */
public enum PartitionErrorPolicy {
  /** The whole job stops and fails (the default). */
  FAIL,
  /** The other partitions go on; the job reports itself failed, naming the stopped partitions, when it ends. */
  CONTINUE
}
