package io.kafkabackup.backup.kafka;

/**
 * One consumer-group offset of the backup and where it lands in the restored topic.
 *
 * @param group the consumer group
 * @param sourceTopic the backed-up topic
 * @param sourcePartition the backed-up partition
 * @param sourceOffset the group's committed offset in the source
 * @param targetTopic the restored topic
 * @param targetPartition the restored partition
 * @param targetOffset the offset to commit in the target, or {@code -1} when there is none
 * @param status {@code ok}, {@code end} (past the last restored record: the partition's end),
 *     {@code not-restored} (the partition's restore has not finished) or {@code untranslatable}
 *     (records were re-hashed across partitions)
 */
public record GroupOffsetTranslation(
    String group, String sourceTopic, int sourcePartition, long sourceOffset, String targetTopic, int targetPartition,
    long targetOffset, String status) {

  /**
   * Tells whether the offset can be committed.
   *
   * @return true for {@code ok} and {@code end}
   */
  public boolean applicable() {
    return targetOffset >= 0;
  }
}
