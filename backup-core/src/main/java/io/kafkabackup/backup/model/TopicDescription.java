package io.kafkabackup.backup.model;

import java.util.Map;

/**
 * A backed-up topic's shape, so a restore can recreate it: {@code topics/{topic}/topic.json} holds the
 * newest incarnation's, {@code topics/{topic}/incarnations/{topic-id}.json} each incarnation's.
 *
 * @param topic the name
 * @param partitions the partition count
 * @param replicationFactor the source's replication factor
 * @param configs the topic-level configs set on the source (not broker defaults)
 * @param capturedAt when they were read, ISO-8601
 * @param topicId the Kafka topic id (null in backups written before topic ids were recorded)
 */
public record TopicDescription(
    String topic, int partitions, int replicationFactor, Map<String, String> configs, String capturedAt,
    String topicId) {
}
