package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.backup.model.TopicDescription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Reads what a backup stores about the cluster besides records: topic shapes and group offsets. */
final class ClusterSnapshots {
  private ClusterSnapshots() {
  }

  static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      throw new BackupException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Partition counts, replication factors and the configs set on each topic (not defaults). */
  static List<TopicDescription> describeTopics(Admin admin, Collection<String> topics) {
    Map<String, org.apache.kafka.clients.admin.TopicDescription> descriptions =
        await(admin.describeTopics(topics).allTopicNames(), "describing topics " + topics);
    List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
        .collect(Collectors.toList());
    Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "reading topic configs");
    String now = Instant.now().toString();
    List<TopicDescription> result = new ArrayList<>();
    for (String topic : topics) {
      org.apache.kafka.clients.admin.TopicDescription d = descriptions.get(topic);
      Map<String, String> set = new TreeMap<>();
      for (ConfigEntry entry : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).entries()) {
        if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && !entry.isSensitive()) {
          set.put(entry.name(), entry.value());
        }
      }
      result.add(new TopicDescription(topic, d.partitions().size(), d.partitions().get(0).replicas().size(), set, now,
          d.topicId().toString()));
    }
    return result;
  }

  /**
   * The current topic id of each topic that exists.
   *
   * @return topic name to id; a topic that does not exist (deleted, not yet created again) is absent
   * @throws BackupException if the cluster did not answer
   */
  static Map<String, String> topicIds(Admin admin, Collection<String> topics) {
    Map<String, String> ids = new TreeMap<>();
    admin.describeTopics(TopicCollection.ofTopicNames(topics)).topicNameValues().forEach((topic, future) -> {
      try {
        ids.put(topic, future.get().topicId().toString());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new BackupException("reading the topic id of " + topic + " failed: " + e.getCause().getMessage(),
              e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackupException("interrupted while reading the topic id of " + topic, e);
      }
    });
    return ids;
  }

  /**
   * The committed offsets of every consumer group on the given topics, each with the topic id it was
   * committed on.
   */
  static GroupOffsetsSnapshot groupOffsets(Admin admin, Set<String> topics) {
    // Ids are read before and after the offsets, and a topic whose id changed in between is left out of
    // this snapshot: its offsets could belong to either incarnation.
    Map<String, String> ids = topicIds(admin, topics);
    Collection<GroupListing> groups = await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(),
        "listing consumer groups");
    List<GroupOffsetsSnapshot.GroupOffsets> result = new ArrayList<>();
    for (GroupListing group : groups) {
      Map<TopicPartition, OffsetAndMetadata> offsets = await(
          admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata(),
          "reading the offsets of group " + group.groupId());
      List<GroupOffsetsSnapshot.CommittedOffset> committed = offsets.entrySet().stream()
          .filter(e -> e.getValue() != null && ids.containsKey(e.getKey().topic()))
          .map(e -> new GroupOffsetsSnapshot.CommittedOffset(e.getKey().topic(), e.getKey().partition(),
              e.getValue().offset(), ids.get(e.getKey().topic())))
          .sorted((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
              : a.topic().compareTo(b.topic()))
          .collect(Collectors.toList());
      if (!committed.isEmpty()) {
        result.add(new GroupOffsetsSnapshot.GroupOffsets(group.groupId(), committed));
      }
    }
    Map<String, String> after = topicIds(admin, topics);
    Map<String, String> stableIds = new TreeMap<>(ids);
    stableIds.entrySet().removeIf(e -> !e.getValue().equals(after.get(e.getKey())));
    List<GroupOffsetsSnapshot.GroupOffsets> stable = new ArrayList<>();
    for (GroupOffsetsSnapshot.GroupOffsets group : result) {
      List<GroupOffsetsSnapshot.CommittedOffset> kept = group.offsets().stream()
          .filter(o -> stableIds.containsKey(o.topic())).collect(Collectors.toList());
      if (!kept.isEmpty()) {
        stable.add(new GroupOffsetsSnapshot.GroupOffsets(group.group(), kept));
      }
    }
    stable.sort((a, b) -> a.group().compareTo(b.group()));
    return new GroupOffsetsSnapshot(Instant.now().toString(), stable, stableIds);
  }
}
