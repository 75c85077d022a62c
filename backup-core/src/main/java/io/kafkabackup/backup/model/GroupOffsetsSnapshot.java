package io.kafkabackup.backup.model;

import java.util.List;
import java.util.Map;

/**
 * The committed offsets of the consumer groups that read the backed-up topics, at one moment
 * ({@code groups/{epoch-millis}.json}). Restore translates them to the restored topics.
 *
 * @param takenAt when the offsets were read, ISO-8601
 * @param groups each group's offsets on backed-up topics
 * @param topicIds every backed-up topic that existed while the offsets were read, with its topic id, so a
 *     restore of one incarnation can tell which snapshots were taken during it (null in snapshots written
 *     before topic ids were recorded)
 */
public record GroupOffsetsSnapshot(String takenAt, List<GroupOffsets> groups, Map<String, String> topicIds) {

  /**
   * One group's committed offsets.
   *
   * @param group the group id
   * @param offsets its committed offsets on backed-up topics
   */
  public record GroupOffsets(String group, List<CommittedOffset> offsets) {
  }

  /**
   * One committed offset: the next record the group would read.
   *
   * @param topic the topic
   * @param partition the partition
   * @param offset the committed offset
   * @param topicId the topic's id when the offsets were read, so that an offset is only ever applied to
   *     the incarnation it was committed on (null in snapshots written before topic ids were recorded)
   */
  public record CommittedOffset(String topic, int partition, long offset, String topicId) {
  }
}
