package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.storage.ObjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which history a restore reads: per source partition one incarnation (the newest unless the options
 * name a topic id), and the consumer-group offsets that were committed on exactly that incarnation.
 * Shared by the restore and the group-offset translation, so both always agree.
 */
final class RestoreSelection {
  private RestoreSelection() {
  }

  /**
   * The incarnation of a source partition that a restore reads.
   *
   * @throws SelectionException naming the partition and the ids it has when the chosen id is not among them
   */
  static Incarnation incarnation(RestoreOptions options, SourcePartition partition, PartitionState state) {
    String wanted = options.incarnation(partition.topic());
    if (wanted == null) {
      return state.current();
    }
    return state.incarnation(wanted).orElseThrow(() -> new SelectionException("partition " + partition + " of backup '"
        + options.backupId() + "' has no incarnation with topic id " + wanted + "; its topic ids are "
        + state.incarnations().stream().map(i -> i.topicId() == null ? "unknown" : i.topicId())
            .collect(Collectors.toList())));
  }

  /**
   * The committed offsets of the backed-up groups on the chosen incarnations: for each partition, from
   * the newest snapshot taken while its incarnation was the topic (found by walking back from when the
   * incarnation was closed; usually the first one read), and only offsets recorded with that topic id.
   * Snapshots and histories written before topic ids were recorded match any.
   *
   * @param chosen each selected source partition's incarnation
   * @return the offsets, by group
   */
  static List<GroupOffsetsSnapshot.GroupOffsets> groupOffsets(BackupCatalog catalog, String backupId,
      Map<SourcePartition, Incarnation> chosen) {
    List<ObjectKey> keys = catalog.groupSnapshotKeys(backupId);
    Map<ObjectKey, GroupOffsetsSnapshot> read = new HashMap<>();
    Map<String, List<GroupOffsetsSnapshot.CommittedOffset>> result = new TreeMap<>();
    chosen.forEach((partition, incarnation) -> {
      GroupOffsetsSnapshot snapshot = snapshotDuring(keys, read, catalog, partition.topic(), incarnation);
      if (snapshot == null) {
        return;
      }
      snapshot.groups().forEach(group -> group.offsets().stream()
          .filter(o -> o.topic().equals(partition.topic()) && o.partition() == partition.partition())
          .filter(o -> o.topicId() == null || incarnation.topicId() == null || o.topicId().equals(incarnation.topicId()))
          .forEach(o -> result.computeIfAbsent(group.group(), g -> new ArrayList<>()).add(o)));
    });
    return result.entrySet().stream().map(e -> new GroupOffsetsSnapshot.GroupOffsets(e.getKey(), e.getValue()))
        .collect(Collectors.toList());
  }

  /** The newest snapshot taken while {@code incarnation} was the topic, or null when there is none. */
  private static GroupOffsetsSnapshot snapshotDuring(List<ObjectKey> keys, Map<ObjectKey, GroupOffsetsSnapshot> read,
      BackupCatalog catalog, String topic, Incarnation incarnation) {
    long closed = incarnation.closedAt() == null ? Long.MAX_VALUE : Instant.parse(incarnation.closedAt()).toEpochMilli();
    long opened = incarnation.openedAt() == null ? Long.MIN_VALUE : Instant.parse(incarnation.openedAt()).toEpochMilli();
    for (int i = keys.size() - 1; i >= 0; i--) {
      long takenAt = BackupLayout.groupSnapshotMillis(keys.get(i)).orElseThrow();
      if (takenAt > closed) {
        continue;
      }
      GroupOffsetsSnapshot snapshot = read.computeIfAbsent(keys.get(i), catalog::groupSnapshot);
      if (snapshot.topicIds() == null || incarnation.topicId() == null
          || incarnation.topicId().equals(snapshot.topicIds().get(topic))) {
        return snapshot;
      }
      if (takenAt < opened) {
        // The topic had another id before this incarnation was opened, so it did not exist yet: topic
        // ids never come back, and no older snapshot can hold it.
        return null;
      }
      // Taken after the topic was created again, before the backup noticed: an older one may hold it.
    }
    return null;
  }
}
