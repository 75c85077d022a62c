package io.kafkabackup.backup.kafka;

/** Which ACLs a backup keeps beside the records (client quotas are always kept unless {@link #NONE}). */
public enum SecurityScope {
  /** Neither ACLs nor quotas. */
  NONE,
  /** The ACLs on the backed-up topics and on the consumer groups that read them (the default). */
  TOPICS,
  /** Every ACL of the cluster. */
  CLUSTER
}
