package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.backup.model.BackupStatus;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.backup.model.SecuritySnapshot;
import io.kafkabackup.backup.model.TopicDescription;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a backup stores besides records — its descriptor, its status, each topic's shape, the consumer
 * groups' offsets and the ACLs — written the same way whichever engine reads the records (the
 * {@link BackupJob}'s consumers or a Kafka Connect sink task through {@link BackupSink}).
 */
final class BackupMetadata {
  private static final Logger LOG = LoggerFactory.getLogger(BackupMetadata.class);

  private final StorageBackend storage;
  private final BackupOptions options;
  private final String writerId;
  private final String startedAt = Instant.now().toString();
  /** The topic ids whose shape this run has stored. */
  private final Set<String> described = ConcurrentHashMap.newKeySet();

  BackupMetadata(StorageBackend storage, BackupOptions options, String writerId) {
    this.storage = storage;
    this.options = options;
    this.writerId = writerId;
  }

  /**
   * Creates the backup's descriptor, or checks that the existing one was taken from the same cluster.
   *
   * @throws BackupException if the backup id belongs to another cluster's backup
   */
  void writeDescriptor(String clusterId) {
    BackupDescriptor descriptor = new BackupDescriptor(BackupDescriptor.FORMAT, options.backupId(),
        Instant.now().toString(), options.mode().name().toLowerCase(Locale.ROOT), clusterId, options.topics().describe());
    try {
      storage.put(BackupLayout.descriptor(options.backupId()), BackupJson.write(descriptor), PutOptions.createOnly());
    } catch (ObjectAlreadyExistsException e) {
      BackupDescriptor existing = BackupJson.read(storage.get(BackupLayout.descriptor(options.backupId())),
          BackupDescriptor.class, BackupLayout.descriptor(options.backupId()).value());
      if (existing.sourceCluster() != null && clusterId != null && !existing.sourceCluster().equals(clusterId)) {
        throw new BackupException("backup '" + options.backupId() + "' was taken from cluster "
            + existing.sourceCluster() + ", not from " + clusterId + ": use another backup id");
      }
      LOG.info("backup {}: resuming (created {})", options.backupId(), existing.createdAt());
    }
  }

  /**
   * The topic's shape as the newest one, and as its incarnation's: the latest seen of that incarnation
   * (its partitions only ever grow), so a restore of it creates every partition it held.
   */
  void storeDescription(TopicDescription d) {
    byte[] json = BackupJson.write(d);
    storage.put(BackupLayout.topicDescription(options.backupId(), d.topic()), json);
    storage.put(BackupLayout.incarnationDescription(options.backupId(), d.topic(), d.topicId()), json);
    described.add(d.topicId());
  }

  /** Describes and stores the topics; returns their descriptions. */
  List<TopicDescription> describe(Admin admin, Collection<String> topics) {
    List<TopicDescription> descriptions = ClusterSnapshots.describeTopics(admin, topics);
    descriptions.forEach(this::storeDescription);
    return descriptions;
  }

  /**
   * Stores the shape of a topic incarnation before its first commit: once per incarnation, however many
   * of its partitions switch to it.
   */
  void describeOnce(Admin admin, String topic, String topicId) {
    if (topicId != null && !described.contains(topicId)) {
      describe(admin, List.of(topic));
    }
  }

  void writeStatus(BackupState state, String finishedAt, String message) {
    storage.put(BackupLayout.status(options.backupId()), BackupJson.write(new BackupStatus(state, writerId, startedAt,
        Instant.now().toString(), finishedAt, message)));
  }

  /** The periodic status write that shows the backup is alive; a failure is logged and tried again next time. */
  void heartbeat() {
    try {
      writeStatus(BackupState.RUNNING, null, null);
    } catch (RuntimeException e) {
      LOG.warn("backup {}: status heartbeat failed: {}", options.backupId(), e.getMessage());
    }
  }

  GroupOffsetsSnapshot snapshotGroups(Admin admin, Set<String> topics) {
    GroupOffsetsSnapshot snapshot = ClusterSnapshots.groupOffsets(admin, topics);
    storage.put(BackupLayout.groupSnapshot(options.backupId(), Instant.parse(snapshot.takenAt()).toEpochMilli()),
        BackupJson.write(snapshot));
    dropOldGroupSnapshots();
    return snapshot;
  }

  /** A periodic snapshot: a failure is logged and the next one tries again. */
  void snapshotGroupsQuietly(Admin admin, Set<String> topics) {
    try {
      snapshotGroups(admin, topics);
    } catch (RuntimeException e) {
      LOG.warn("backup {}: consumer-group snapshot failed: {}", options.backupId(), e.getMessage());
    }
  }

  /**
   * Retention by age applies to consumer-group snapshots too (one every 5 minutes is 105,000 a year):
   * those older than the age go, the newest is always kept.
   */
  private void dropOldGroupSnapshots() {
    if (options.logPolicy().retentionAge() == null) {
      return;
    }
    long cutoff = Instant.now().minus(options.logPolicy().retentionAge()).toEpochMilli();
    List<ObjectKey> keys = new BackupCatalog(storage).groupSnapshotKeys(options.backupId());
    List<ObjectKey> old = keys.subList(0, Math.max(0, keys.size() - 1)).stream()
        .filter(k -> BackupLayout.groupSnapshotMillis(k).orElse(Long.MAX_VALUE) < cutoff).collect(Collectors.toList());
    if (!old.isEmpty()) {
      storage.deleteAll(old);
      LOG.info("backup {}: retention dropped {} consumer-group snapshot(s)", options.backupId(), old.size());
    }
  }

  /** The ACLs on the backed-up topics and their groups (or the cluster's), and the client quotas. */
  void storeSecurity(Admin admin, Set<String> topics, GroupOffsetsSnapshot groups) {
    if (options.securityScope() == SecurityScope.NONE) {
      return;
    }
    Set<String> groupIds = groups.groups().stream().map(GroupOffsetsSnapshot.GroupOffsets::group)
        .collect(Collectors.toSet());
    SecuritySnapshot security = SecurityCapture.capture(admin, options.securityScope(), topics, groupIds);
    storage.put(BackupLayout.security(options.backupId()), BackupJson.write(security));
    if (security.problem() != null) {
      LOG.warn("backup {}: {}", options.backupId(), security.problem());
    }
  }
}
