package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.model.TopicDescription;
import java.util.List;

/**
 * A topic of a backup.
 *
 * @param topic its name
 * @param description its partition count and configs as backed up (null if not written yet)
 * @param partitions each backed-up partition, by number
 */
public record TopicSummary(String topic, TopicDescription description, List<PartitionSummary> partitions) {

  /**
   * Records stored for the topic.
   *
   * @return the sum over its partitions
   */
  public long records() {
    return partitions.stream().mapToLong(PartitionSummary::records).sum();
  }

  /**
   * Bytes stored for the topic.
   *
   * @return the sum over its partitions
   */
  public long storedBytes() {
    return partitions.stream().mapToLong(PartitionSummary::storedBytes).sum();
  }
}
