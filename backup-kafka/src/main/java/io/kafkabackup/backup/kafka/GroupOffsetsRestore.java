package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Moves the backed-up consumer groups onto the restored topics: each committed source offset becomes the
 * target offset of the first restored record at or after it (recorded by the restore in its position
 * groups), or the partition's end when no restored record follows it. Plan first, apply on request;
 * a group with active members is never touched.
 */
public final class GroupOffsetsRestore {
  private final StorageBackend storage;
  private final RestoreOptions options;

  /**
   * Creates the planner.
   *
   * @param storage where the backup is
   * @param options the restore's options (backup, restore id, topic names, mapping, target cluster)
   */
  public GroupOffsetsRestore(StorageBackend storage, RestoreOptions options) {
    this.storage = storage;
    this.options = options;
  }

  /**
   * Translates every offset the backed-up groups committed on the restored incarnations (from the
   * newest snapshot taken while each was current).
   *
   * @return one row per group, topic and partition
   */
  public List<GroupOffsetTranslation> plan() {
    BackupCatalog catalog = new BackupCatalog(storage);
    Map<SourcePartition, Incarnation> chosen = new TreeMap<>();
    List<String> backedUp = catalog.topics(options.backupId());
    for (String topic : options.topics() == null ? backedUp : options.topics().resolve(backedUp)) {
      for (SourcePartition partition : catalog.partitions(options.backupId(), topic)) {
        chosen.put(partition, RestoreSelection.incarnation(options, partition,
            PartitionLog.read(storage, options.backupId(), partition)));
      }
    }
    List<GroupOffsetTranslation> rows = new ArrayList<>();
    try (Admin admin = Admin.create(new HashMap<>(options.kafka()))) {
      Map<SourcePartition, RestoreCheckpoint> checkpoints = new HashMap<>();
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (GroupOffsetsSnapshot.GroupOffsets group : RestoreSelection.groupOffsets(catalog, options.backupId(), chosen)) {
        for (GroupOffsetsSnapshot.CommittedOffset o : group.offsets()) {
          String targetTopic = options.targetTopic(o.topic());
          if (options.partitionMapping() != PartitionMapping.KEEP) {
            rows.add(new GroupOffsetTranslation(group.group(), o.topic(), o.partition(), o.offset(), targetTopic, -1,
                -1, "untranslatable"));
            continue;
          }
          SourcePartition source = new SourcePartition(o.topic(), o.partition());
          RestoreCheckpoint checkpoint = checkpoints.computeIfAbsent(source, s -> RestoreJob.readCheckpoint(admin,
              RestoreJob.positionGroup(options.restoreId(), s), new TopicPartition(targetTopic, 0)));
          TopicPartition target = new TopicPartition(targetTopic, o.partition());
          Long translated = checkpoint.translations().get(o.offset());
          if (translated != null) {
            rows.add(row(group, o, target, translated, "ok"));
          } else if (checkpoint.done()) {
            long end = ends.computeIfAbsent(target, tp -> ClusterSnapshots.await(
                admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp), "reading the end of " + tp)
                .offset());
            rows.add(row(group, o, target, end, "end"));
          } else {
            rows.add(row(group, o, target, -1, "not-restored"));
          }
        }
      }
    }
    return rows;
  }

  private static GroupOffsetTranslation row(GroupOffsetsSnapshot.GroupOffsets group,
      GroupOffsetsSnapshot.CommittedOffset o, TopicPartition target, long offset, String status) {
    return new GroupOffsetTranslation(group.group(), o.topic(), o.partition(), o.offset(), target.topic(),
        target.partition(), offset, status);
  }

  /**
   * Commits the planned offsets in the target cluster, group by group.
   *
   * @param plan rows from {@link #plan()}; rows that are not applicable are left out
   * @return the groups whose offsets were set
   * @throws BackupException naming the groups that have active members (nothing is changed for them)
   */
  public List<String> apply(Collection<GroupOffsetTranslation> plan) {
    Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup = new TreeMap<>();
    for (GroupOffsetTranslation row : plan) {
      if (row.applicable()) {
        byGroup.computeIfAbsent(row.group(), g -> new LinkedHashMap<>())
            .put(new TopicPartition(row.targetTopic(), row.targetPartition()), new OffsetAndMetadata(row.targetOffset()));
      }
    }
    if (byGroup.isEmpty()) {
      return List.of();
    }
    try (Admin admin = Admin.create(new HashMap<>(options.kafka()))) {
      List<String> active = new ArrayList<>();
      admin.describeConsumerGroups(byGroup.keySet()).describedGroups().forEach((group, future) -> {
        try {
          ConsumerGroupDescription d = future.get();
          if (!d.members().isEmpty() || !(d.groupState() == GroupState.EMPTY || d.groupState() == GroupState.DEAD)) {
            active.add(group);
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)) {
            throw new BackupException("describing consumer group " + group + " failed: " + e.getCause().getMessage(),
                e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BackupException("interrupted while describing consumer group " + group, e);
        }
      });
      if (!active.isEmpty()) {
        throw new BackupException("consumer groups " + active + " have active members in the target cluster: "
            + "stop them before their offsets are set");
      }
      for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> e : byGroup.entrySet()) {
        ClusterSnapshots.await(admin.alterConsumerGroupOffsets(e.getKey(), e.getValue()).all(),
            "setting the offsets of group " + e.getKey());
      }
    }
    return new ArrayList<>(byGroup.keySet());
  }
}
