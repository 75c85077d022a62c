package io.kafkabackup.backup.layout;

/**
 * A topic partition of the backed-up cluster, without a Kafka dependency.
 *
 * @param topic the topic name
 * @param partition the partition number
 */
public record SourcePartition(String topic, int partition) implements Comparable<SourcePartition> {

  /**
   * Validates the fields.
   *
   * @param topic the topic name
   * @param partition the partition number
   */
  public SourcePartition {
    BackupLayout.checkTopic(topic);
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0: " + partition);
    }
  }

  @Override
  public int compareTo(SourcePartition o) {
    int c = topic.compareTo(o.topic);
    return c != 0 ? c : Integer.compare(partition, o.partition);
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }

}
