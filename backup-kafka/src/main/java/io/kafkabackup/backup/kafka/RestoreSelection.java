package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * @throws BackupException naming the partition and the ids it has when the chosen id is not among them
   */
  static Incarnation incarnation(RestoreOptions options, SourcePartition partition, PartitionState state) {
    String wanted = options.incarnation(partition.topic());
    if (wanted == null) {
      return state.current();
    }
    return state.incarnation(wanted).orElseThrow(() -> new BackupException("partition " + partition + " of backup '"
        + options.backupId() + "' has no incarnation with topic id " + wanted + "; its topic ids are "
        + state.incarnations().stream().map(i -> i.topicId() == null ? "unknown" : i.topicId())
            .collect(Collectors.toList())));
  }

  /**
   * The committed offsets of the backed-up groups on the chosen incarnations: for each partition, from
   * the newest snapshot taken before its incarnation was closed, and only offsets recorded with that
   * incarnation's topic id (snapshots and histories written before ids were recorded match any).
   *
   * @param chosen each selected source partition's incarnation
   * @return the offsets, by group
   */
  static List<GroupOffsetsSnapshot.GroupOffsets> groupOffsets(BackupCatalog catalog, String backupId,
      Map<SourcePartition, Incarnation> chosen) {
    Map<String, Optional<GroupOffsetsSnapshot>> byCutoff = new HashMap<>();
    Map<String, List<GroupOffsetsSnapshot.CommittedOffset>> result = new TreeMap<>();
    chosen.forEach((partition, incarnation) -> {
      String cutoff = incarnation.closedAt() == null ? "" : incarnation.closedAt();
      Optional<GroupOffsetsSnapshot> snapshot = byCutoff.computeIfAbsent(cutoff, c ->
          catalog.groupSnapshot(backupId, c.isEmpty() ? null : Instant.parse(c)));
      snapshot.ifPresent(s -> s.groups().forEach(group -> group.offsets().stream()
          .filter(o -> o.topic().equals(partition.topic()) && o.partition() == partition.partition())
          .filter(o -> o.topicId() == null || incarnation.topicId() == null || o.topicId().equals(incarnation.topicId()))
          .forEach(o -> result.computeIfAbsent(group.group(), g -> new ArrayList<>()).add(o))));
    });
    return result.entrySet().stream().map(e -> new GroupOffsetsSnapshot.GroupOffsets(e.getKey(), e.getValue()))
        .collect(Collectors.toList());
  }
}
