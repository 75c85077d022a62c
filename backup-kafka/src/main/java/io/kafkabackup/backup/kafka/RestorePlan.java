package io.kafkabackup.backup.kafka;

import java.util.List;
import java.util.Map;

/**
 * What a restore will do, computed without producing anything (a dry run returns only this).
 *
 * @param backupId the backup restored from
 * @param restoreId the restore's id
 * @param topics each selected topic and where it goes
 * @param partitions each selected source partition's share
 */
public record RestorePlan(String backupId, String restoreId, List<TopicPlan> topics, List<PartitionPlan> partitions) {

  /**
   * One topic's restore.
   *
   * @param source the backed-up topic
   * @param target the topic written
   * @param sourcePartitions partitions in the backup
   * @param targetPartitions partitions the target has or will have
   * @param create whether the target topic will be created
   * @param configs the configs it will be created with
   * @param existingOffsets offsets the target topic's partitions already hold, records and transaction
   *     markers (0 for one that will be created or is empty)
   * @param purge whether they are deleted before the restore ({@link ExistingDataPolicy#PURGE})
   */
  public record TopicPlan(
      String source, String target, int sourcePartitions, int targetPartitions, boolean create,
      Map<String, String> configs, long existingOffsets, boolean purge) {
  }

  /**
   * One source partition's restore.
   *
   * @param topic the source topic
   * @param partition the source partition
   * @param topicId the topic id of the incarnation restored (null when the backup has none recorded)
   * @param segments segments that overlap the selection
   * @param records records in those segments (an upper bound when a time window or offset range cuts them)
   * @param bytes stored bytes of those segments
   */
  public record PartitionPlan(String topic, int partition, String topicId, long segments, long records, long bytes) {
  }

  /**
   * Records in the selected segments.
   *
   * @return the sum over partitions (an upper bound under a time window or offset range)
   */
  public long records() {
    return partitions.stream().mapToLong(PartitionPlan::records).sum();
  }
}
