package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.model.TopicDescription;
import java.util.List;

/**
 * A topic of a backup.
 *
 * @param topic its name
 * @param description its partition count and configs as backed up (null if not written yet)
 * @param partitions each backed-up partition, by number
 * @param schemaIdFraming whether its first records' values all look like Schema Registry's wire format
 *     (magic byte 0, a 4-byte schema id, the payload): their schema ids mean something only to a registry
 *     that holds the same schemas
 */
public record TopicSummary(String topic, TopicDescription description, List<PartitionSummary> partitions,
    boolean schemaIdFraming) {

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
