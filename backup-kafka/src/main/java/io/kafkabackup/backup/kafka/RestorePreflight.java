package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.model.TopicDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks every existing target topic of a restore before the first record is produced, and collects
 * every problem, so one run names them all: a policy that differs from the backed-up topic's
 * ({@code cleanup.policy}: a compacted target drops older values and refuses records without a key), a
 * target that rewrites timestamps ({@code message.timestamp.type=LogAppendTime}, unless allowed), a
 * principal that may not write it, and records already there (unless {@link ExistingDataPolicy} says
 * otherwise). A restore id that already restored something is a continuation: its own records are in
 * the target, and the data check is skipped. "Not empty" means holding a record a {@code read_committed}
 * reader sees: the records of a first run killed before its first commit (an open or aborted
 * transaction) take offsets but do not count.
 */
final class RestorePreflight {
  private final Admin admin;
  private final RestoreOptions options;
  private final List<String> problems = new ArrayList<>();
  /** Per existing target partition: {log start, log end}. */
  private final Map<TopicPartition, long[]> bounds = new HashMap<>();

  private final Map<String, Object> consumerProperties;

  RestorePreflight(Admin admin, RestoreOptions options, Map<String, Object> consumerProperties) {
    this.admin = admin;
    this.options = options;
    this.consumerProperties = consumerProperties;
  }

  /** The problems found so far; a restore goes on only when there is none. */
  List<String> problems() {
    return problems;
  }

  /** Adds a problem found by the planner itself (a target with too few partitions). */
  void add(String problem) {
    problems.add(problem);
  }

  /**
   * Tells whether this restore id has restored something already, so its targets hold its own records.
   *
   * @param targets each selected source partition and the topic it goes to
   */
  boolean resumed(Map<SourcePartition, String> targets) {
    if (targets.isEmpty()) {
      return false;
    }
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    targets.forEach((source, target) -> specs.put(RestoreJob.positionGroup(options.restoreId(), source),
        new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(new TopicPartition(target, 0)))));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> positions = ClusterSnapshots.await(
        admin.listConsumerGroupOffsets(specs).all(), "reading the restore positions");
    return positions.values().stream().anyMatch(m -> m.values().stream().anyMatch(o -> o != null));
  }

  /**
   * Checks the existing targets.
   *
   * @param targets each existing target topic and the backed-up topic's description
   * @param described the same topics as the target cluster describes them, with the principal's
   *     authorized operations
   * @param checkData whether records already there are a problem (false when the restore continues)
   * @return offsets in use in each target topic (records and transaction markers)
   */
  Map<String, Long> check(Map<String, TopicDescription> targets,
      Map<String, org.apache.kafka.clients.admin.TopicDescription> described, boolean checkData) {
    Map<String, Long> existingOffsets = new TreeMap<>();
    if (targets.isEmpty()) {
      return existingOffsets;
    }
    Map<ConfigResource, Config> configs = ClusterSnapshots.await(admin.describeConfigs(targets.keySet().stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).collect(Collectors.toList())).all(),
        "reading target topic configs");
    List<TopicPartition> partitions = new ArrayList<>();
    described.forEach((name, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
    for (TopicPartition tp : partitions) {
      bounds.put(tp, new long[] {starts.get(tp).offset(), ends.get(tp).offset()});
    }
    for (Map.Entry<String, TopicDescription> e : targets.entrySet()) {
      String target = e.getKey();
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, target));
      String targetPolicy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
      String sourcePolicy = e.getValue().configs().getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
      if (compacts(targetPolicy) != compacts(sourcePolicy)) {
        problems.add("target topic '" + target + "' has cleanup.policy=" + targetPolicy + " but the backed-up topic '"
            + e.getValue().topic() + "' had " + sourcePolicy + (compacts(targetPolicy)
                ? ": a compacted topic refuses records without a key and drops older values"
                : ": a restore of a compacted topic into a topic that deletes by age loses what retention drops")
            + "; restore into a topic with the same policy");
      }
      String timestampType = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
      if ("LogAppendTime".equalsIgnoreCase(timestampType) && !options.allowLogAppendTime()) {
        problems.add("target topic '" + target + "' has message.timestamp.type=LogAppendTime: the broker would replace "
            + "every restored timestamp with the time of the restore; allow it with --allow-log-append-time");
      }
      Set<AclOperation> allowed = described.get(target).authorizedOperations();
      if (allowed != null && !allowed.isEmpty() && !allowed.contains(AclOperation.WRITE)
          && !allowed.contains(AclOperation.ALL)) {
        problems.add("the configured principal may not write to target topic '" + target + "' (allowed: "
            + allowed.stream().map(o -> o.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", "))
            + ")");
      }
      // Offsets, not records: transaction markers and aborted records take offsets too.
      long offsets = bounds.entrySet().stream().filter(b -> b.getKey().topic().equals(target))
          .mapToLong(b -> b.getValue()[1] - b.getValue()[0]).sum();
      existingOffsets.put(target, offsets);
      if (checkData && offsets > 0 && options.onExistingData() == ExistingDataPolicy.FAIL && holdsCommittedRecord(target)) {
        problems.add("target topic '" + target + "' is not empty (" + offsets + " offsets in its partitions): restore "
            + "into an empty topic, or choose --on-existing-data append (keep them, restore after) or purge (delete "
            + "them first)");
      }
    }
    return existingOffsets;
  }

  /**
   * Tells whether a {@code read_committed} reader sees a record in the topic: reads from each partition's
   * start up to its last stable offset until it finds one. Only aborted records and markers are read
   * through, at most what one killed restore transaction left.
   */
  private boolean holdsCommittedRecord(String topic) {
    List<TopicPartition> partitions = bounds.entrySet().stream()
        .filter(b -> b.getKey().topic().equals(topic) && b.getValue()[1] > b.getValue()[0]).map(Map.Entry::getKey)
        .collect(Collectors.toList());
    Map<String, Object> props = new HashMap<>(consumerProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> stable = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
          return true;
        }
        if (partitions.stream().allMatch(tp -> consumer.position(tp) >= stable.get(tp))) {
          return false;
        }
      }
      return true; // could not tell in time: treat it as holding records
    }
  }

  /**
   * Deletes the records in the checked targets (the purge policy), up to each partition's end as the
   * check saw it: records produced since stay, and the restore's own come after them.
   *
   * @param targets the topics to purge
   * @return the partitions purged and the offset each now starts at
   */
  Map<TopicPartition, Long> purge(Collection<String> targets) {
    Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
    bounds.forEach((tp, b) -> {
      if (targets.contains(tp.topic()) && b[1] > b[0]) {
        delete.put(tp, RecordsToDelete.beforeOffset(b[1]));
      }
    });
    if (!delete.isEmpty()) {
      ClusterSnapshots.await(admin.deleteRecords(delete).all(), "deleting the records already in the target topics");
    }
    return delete.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue().beforeOffset()));
  }

  private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(List<TopicPartition> partitions,
      OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    return ClusterSnapshots.await(admin.listOffsets(request).all(), "reading target topic offsets");
  }

  private static boolean compacts(String policy) {
    return policy.toLowerCase(Locale.ROOT).contains("compact");
  }

  private static String value(Config config, String name, String fallback) {
    ConfigEntry entry = config == null ? null : config.get(name);
    return entry == null || entry.value() == null ? fallback : entry.value();
  }
}
