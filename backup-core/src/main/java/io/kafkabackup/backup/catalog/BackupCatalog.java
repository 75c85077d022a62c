package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.CorruptSegmentException;
import io.kafkabackup.backup.format.DataKeys;
import io.kafkabackup.backup.format.SegmentKeyException;
import io.kafkabackup.backup.format.SegmentReader;
import io.kafkabackup.backup.format.SegmentSummary;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.log.SegmentFilter;
import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.backup.model.BackupStatus;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.backup.model.SecuritySnapshot;
import io.kafkabackup.backup.model.TopicDescription;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backups under one storage prefix: list, describe, verify and prune. Reads only what each answer
 * needs: listing is one delimiter listing plus two small objects per backup, never a scan of every key.
 */
public final class BackupCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);
  private static final long FRAMING_SAMPLE_BYTES = 2L * 1024 * 1024;
  private static final int FRAMING_SAMPLE_RECORDS = 20;

  private final StorageBackend storage;
  /** Resolves encrypted segments' data keys; null when no key-encryption key is configured. */
  private final DataKeys keys;

  /**
   * Creates a catalog over a storage backend, without key access: encrypted segments are verified for
   * their structure only.
   *
   * @param storage where the backups are (its prefix is the catalog's root)
   */
  public BackupCatalog(StorageBackend storage) {
    this(storage, null);
  }

  /**
   * Creates a catalog over a storage backend with access to the data keys of encrypted segments.
   *
   * @param storage where the backups are (its prefix is the catalog's root)
   * @param keys resolves encrypted segments' data keys, or null without key access
   */
  public BackupCatalog(StorageBackend storage, DataKeys keys) {
    this.storage = storage;
    this.keys = keys;
  }

  /**
   * Lists the backups, oldest first.
   *
   * @return one summary per backup with a descriptor
   */
  public List<BackupSummary> list() {
    List<BackupSummary> result = new ArrayList<>();
    for (String backupId : backupIds()) {
      BackupJson.readIfExists(storage, BackupLayout.descriptor(backupId), BackupDescriptor.class).ifPresent(d -> {
        BackupStatus status = status(backupId).orElse(null);
        result.add(new BackupSummary(backupId, d.createdAt(), d.mode(), status == null ? null : status.state(),
            status == null ? null : status.updatedAt(), status == null ? null : status.finishedAt()));
      });
    }
    result.sort(Comparator.comparing(BackupSummary::createdAt).thenComparing(BackupSummary::backupId));
    return result;
  }

  /**
   * Reads a backup's descriptor.
   *
   * @param backupId the backup
   * @return the descriptor
   * @throws BackupException if there is no such backup
   */
  public BackupDescriptor descriptor(String backupId) {
    return BackupJson.readIfExists(storage, BackupLayout.descriptor(backupId), BackupDescriptor.class)
        .orElseThrow(() -> new BackupException("no backup '" + backupId + "' under this storage prefix"));
  }

  /**
   * Reads a backup's status object.
   *
   * @param backupId the backup
   * @return the status, or empty if none was written
   */
  public Optional<BackupStatus> status(String backupId) {
    return BackupJson.readIfExists(storage, BackupLayout.status(backupId), BackupStatus.class);
  }

  /**
   * The topics of a backup, by name.
   *
   * @param backupId the backup
   * @return topic names
   */
  public List<String> topics(String backupId) {
    return childPrefixes(BackupLayout.topicsPrefix(backupId));
  }

  /**
   * A topic's shape as backed up.
   *
   * @param backupId the backup
   * @param topic the topic
   * @return its description, or empty if none was written
   */
  public Optional<TopicDescription> topicDescription(String backupId, String topic) {
    return BackupJson.readIfExists(storage, BackupLayout.topicDescription(backupId, topic), TopicDescription.class);
  }

  /**
   * The partitions of a topic that have a commit log.
   *
   * @param backupId the backup
   * @param topic the topic
   * @return the partitions, by number
   */
  public List<SourcePartition> partitions(String backupId, String topic) {
    return childPrefixes(BackupLayout.topicPrefix(backupId, topic)).stream()
        .filter(name -> name.chars().allMatch(Character::isDigit))
        .map(name -> new SourcePartition(topic, Integer.parseInt(name)))
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * The shape of one incarnation of a topic, falling back to the topic's newest shape for backups
   * written before each incarnation's was stored.
   *
   * @param backupId the backup
   * @param topic the topic
   * @param topicId the incarnation's topic id, or null for the newest
   * @return its description, or empty if none was written
   */
  public Optional<TopicDescription> topicDescription(String backupId, String topic, String topicId) {
    if (topicId != null) {
      Optional<TopicDescription> own = BackupJson.readIfExists(storage,
          BackupLayout.incarnationDescription(backupId, topic, topicId), TopicDescription.class);
      if (own.isPresent()) {
        return own;
      }
    }
    return topicDescription(backupId, topic);
  }

  /**
   * The keys of a backup's consumer-group offsets snapshots, oldest first (their names are the times
   * they were taken: {@link BackupLayout#groupSnapshotMillis}).
   *
   * @param backupId the backup
   * @return the keys
   */
  public List<ObjectKey> groupSnapshotKeys(String backupId) {
    try (Stream<ListEntry> entries = storage.list(BackupLayout.groupSnapshotsPrefix(backupId))) {
      return entries.filter(e -> e instanceof ListEntry.StoredObject).map(e -> ((ListEntry.StoredObject) e).key())
          .filter(k -> BackupLayout.groupSnapshotMillis(k).isPresent()).collect(Collectors.toList());
    }
  }

  /**
   * Reads one consumer-group offsets snapshot.
   *
   * @param key a key from {@link #groupSnapshotKeys}
   * @return the snapshot
   */
  public GroupOffsetsSnapshot groupSnapshot(ObjectKey key) {
    return BackupJson.read(storage.get(key), GroupOffsetsSnapshot.class, key.value());
  }

  /**
   * Describes a backup: topics, partitions, offset and time ranges, gaps, sizes, state.
   *
   * @param backupId the backup
   * @return the description
   * @throws BackupException if there is no such backup
   */
  public BackupDescription describe(String backupId) {
    BackupDescriptor descriptor = descriptor(backupId);
    List<TopicSummary> topics = new ArrayList<>();
    for (String topic : topics(backupId)) {
      List<PartitionSummary> partitions = new ArrayList<>();
      List<Incarnation> current = new ArrayList<>();
      for (SourcePartition partition : partitions(backupId, topic)) {
        PartitionState state = PartitionLog.read(storage, backupId, partition);
        partitions.add(summarize(partition.partition(), state));
        current.add(state.current());
      }
      topics.add(new TopicSummary(topic, topicDescription(backupId, topic).orElse(null), partitions,
          schemaIdFramed(current)));
    }
    int snapshots;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.groupSnapshotsPrefix(backupId))) {
      snapshots = (int) entries.count();
    }
    return new BackupDescription(descriptor, status(backupId).orElse(null), topics, snapshots,
        BackupJson.readIfExists(storage, BackupLayout.security(backupId), SecuritySnapshot.class).orElse(null));
  }

  /**
   * Samples the first records of the lowest of a topic's partitions that holds any (their current
   * incarnations, as {@link #describe} read them; one ranged read of its first segment): whether every
   * value among them has Schema Registry's framing, magic byte 0 and a 4-byte schema id.
   */
  private boolean schemaIdFramed(List<Incarnation> partitions) {
    for (Incarnation incarnation : partitions) {
      Optional<SegmentEntry> first;
      try (Stream<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation, SegmentFilter.ALL)) {
        first = segments.findFirst();
      }
      if (first.isEmpty()) {
        continue;
      }
      SegmentEntry segment = first.get();
      int values = 0;
      try (SegmentReader reader = SegmentReader.open(segment.key(), storage.openStream(ObjectKey.of(segment.key()),
          ByteRange.of(0, Math.min(segment.storedBytes(), FRAMING_SAMPLE_BYTES))), null, keys)) {
        for (int i = 0; i < FRAMING_SAMPLE_RECORDS && reader.hasNext(); i++) {
          byte[] value = reader.next().value();
          if (value == null) {
            continue;
          }
          if (value.length < 5 || value[0] != 0) {
            return false;
          }
          values++;
        }
      } catch (CorruptSegmentException | StorageException e) {
        return false; // a first block larger than the sample: nothing to tell from
      } catch (SegmentKeyException e) {
        return false; // encrypted, and no key to look inside with
      }
      return values > 0;
    }
    return false;
  }

  private static PartitionSummary summarize(int partition, PartitionState state) {
    List<Incarnation> incarnations = state.incarnations().isEmpty() ? List.of(Incarnation.NONE) : state.incarnations();
    return new PartitionSummary(partition, incarnations.stream().map(IncarnationSummary::of)
        .collect(Collectors.toList()));
  }

  /**
   * Reads every committed segment of a backup back whole, checking CRCs, footers and SHA-256 against
   * the commits, and reports missing objects and orphans (segments and manifests nothing names). An
   * encrypted segment is decrypted and checked whole with key access; without it, its structure is
   * checked and it is counted as not decrypted. A data key that cannot be had is a problem.
   *
   * @param backupId the backup
   * @return what was found
   */
  public VerifyReport verify(String backupId) {
    descriptor(backupId);
    List<VerifyReport.Problem> problems = new ArrayList<>();
    List<String> orphans = new ArrayList<>();
    int checked = 0;
    int notDecrypted = 0;
    long bytes = 0;
    for (String topic : topics(backupId)) {
      for (SourcePartition partition : partitions(backupId, topic)) {
        PartitionState state;
        try {
          state = PartitionLog.read(storage, backupId, partition);
        } catch (BackupException e) {
          // A broken log (a gap, a commit that mixes two topic ids): its segments cannot be trusted, and
          // none is called an orphan, since which ones it names is unknown.
          problems.add(new VerifyReport.Problem(BackupLayout.commitLogPrefix(backupId, partition), "log",
              e.getMessage()));
          continue;
        }
        for (Incarnation incarnation : state.incarnations()) {
          try (Stream<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation, SegmentFilter.ALL)) {
            for (SegmentEntry entry : (Iterable<SegmentEntry>) segments::iterator) {
              checked++;
              bytes += entry.storedBytes();
              if (!verifySegment(entry, problems)) {
                notDecrypted++;
              }
            }
          } catch (BackupException e) {
            // A manifest the log names is missing or broken: the segments it lists cannot be found.
            problems.add(new VerifyReport.Problem(BackupLayout.manifestsPrefix(backupId, partition), "manifest",
                e.getMessage()));
          }
        }
        orphans.addAll(unnamed(backupId, partition, state, Instant.MAX).stream().map(ListEntry::name)
            .collect(Collectors.toList()));
      }
    }
    return new VerifyReport(backupId, checked, notDecrypted, bytes, problems, orphans);
  }

  /**
   * Checks one committed segment.
   *
   * @param problems where a problem is added: missing, corrupt, differing from its commit, or its key not had
   * @return false if it is intact, encrypted and only its structure was checked; true otherwise
   */
  private boolean verifySegment(SegmentEntry entry, List<VerifyReport.Problem> problems) {
    VerifyReport.Problem problem;
    try {
      SegmentSummary actual = SegmentReader.verify(entry.key(), storage.openStream(ObjectKey.of(entry.key())),
          entry.sha256(), keys);
      if (actual.recordCount() != entry.recordCount() || actual.firstOffset() != entry.firstOffset()
          || actual.lastOffset() != entry.lastOffset() || actual.minTimestamp() != entry.minTimestamp()
          || actual.maxTimestamp() != entry.maxTimestamp()) {
        problem = new VerifyReport.Problem(entry.key(), "mismatch",
            "its footer differs from its commit: " + actual + " vs " + entry);
      } else {
        return !actual.encrypted() || keys != null;
      }
    } catch (ObjectNotFoundException e) {
      problem = new VerifyReport.Problem(entry.key(), "missing", "a commit names it but it is not stored");
    } catch (CorruptSegmentException e) {
      problem = new VerifyReport.Problem(entry.key(), "corrupt", e.getMessage());
    } catch (SegmentKeyException e) {
      problem = new VerifyReport.Problem(entry.key(), "key", e.getMessage());
    }
    problems.add(problem);
    return true;
  }

  /**
   * Plans a prune: which finished backups the policy drops, and which orphan segments of the others are
   * past the grace period. Deletes nothing.
   *
   * @param policy what to keep
   * @param now the time ages are measured from
   * @return the plan
   */
  public PrunePlan planPrune(PrunePolicy policy, Instant now) {
    List<BackupSummary> finished = list().stream().filter(b -> b.state() != BackupState.RUNNING)
        .collect(Collectors.toList());
    List<PrunePlan.BackupDeletion> deletions = new ArrayList<>();
    Set<String> dropped = new HashSet<>();
    for (int i = 0; i < finished.size(); i++) {
      BackupSummary backup = finished.get(i);
      int newerCount = finished.size() - 1 - i;
      boolean keptByCount = policy.keepLast() != null && newerCount < policy.keepLast();
      boolean tooOld = policy.olderThan() != null
          && Instant.parse(backup.createdAt()).isBefore(now.minus(policy.olderThan()));
      boolean beyondCount = policy.keepLast() != null && !keptByCount;
      boolean drop = policy.olderThan() != null && policy.keepLast() != null ? tooOld && beyondCount
          : tooOld || beyondCount;
      if (drop) {
        dropped.add(backup.backupId());
        deletions.add(new PrunePlan.BackupDeletion(backup.backupId(), backup.createdAt(),
            tooOld ? "older than " + policy.olderThan() : "beyond the newest " + policy.keepLast()));
      }
    }
    List<String> orphans = new ArrayList<>();
    long orphanBytes = 0;
    Instant cutoff = now.minus(policy.orphanGrace());
    for (BackupSummary backup : list()) {
      if (dropped.contains(backup.backupId())) {
        continue;
      }
      for (ListEntry.StoredObject orphan : orphans(backup.backupId(), cutoff)) {
        orphans.add(orphan.name());
        orphanBytes += orphan.size();
      }
    }
    return new PrunePlan(deletions, orphans, orphanBytes);
  }

  /**
   * Carries a plan out, checking each item again first: a backup whose status changed to running since
   * the plan is kept; an orphan that a commit now names is kept. A backup's descriptor goes first, so a
   * prune cut short leaves no half-deleted backup in the listing.
   *
   * @param plan what {@link #planPrune} returned
   * @return how many objects were deleted
   */
  public long executePrune(PrunePlan plan) {
    long deleted = 0;
    for (PrunePlan.BackupDeletion deletion : plan.backups()) {
      Optional<BackupStatus> status = status(deletion.backupId());
      if (status.isPresent() && status.get().state() == BackupState.RUNNING) {
        LOG.warn("prune: backup {} is running again, kept", deletion.backupId());
        continue;
      }
      storage.delete(BackupLayout.descriptor(deletion.backupId()));
      List<ObjectKey> keys;
      try (Stream<ListEntry> entries = storage.list(BackupLayout.backupPrefix(deletion.backupId()))) {
        keys = entries.map(e -> ObjectKey.of(e.name())).collect(Collectors.toList());
      }
      storage.deleteAll(keys);
      deleted += keys.size() + 1;
      LOG.info("prune: deleted backup {} ({} objects)", deletion.backupId(), keys.size() + 1);
    }
    List<ObjectKey> orphans = new ArrayList<>();
    Map<String, Set<String>> logs = new HashMap<>();
    for (String name : plan.orphans()) {
      if (!isReferenced(name, logs)) {
        orphans.add(ObjectKey.of(name));
      }
    }
    storage.deleteAll(orphans);
    return deleted + orphans.size();
  }

  private List<ListEntry.StoredObject> orphans(String backupId, Instant writtenBefore) {
    List<ListEntry.StoredObject> result = new ArrayList<>();
    for (String topic : topics(backupId)) {
      for (SourcePartition partition : partitions(backupId, topic)) {
        result.addAll(unnamed(backupId, partition, PartitionLog.read(storage, backupId, partition), writtenBefore));
      }
    }
    return result;
  }

  /** The segments and manifests of a partition that its history does not name, written before a time. */
  private List<ListEntry.StoredObject> unnamed(String backupId, SourcePartition partition, PartitionState state,
      Instant writtenBefore) {
    Set<String> named = PartitionHistory.objects(storage, state);
    List<ListEntry.StoredObject> result = new ArrayList<>();
    for (String prefix : List.of(BackupLayout.segmentsPrefix(backupId, partition),
        BackupLayout.manifestsPrefix(backupId, partition))) {
      try (Stream<ListEntry> entries = storage.list(prefix)) {
        entries.filter(e -> e instanceof ListEntry.StoredObject).map(e -> (ListEntry.StoredObject) e)
            .filter(o -> !named.contains(o.name()) && o.lastModified().isBefore(writtenBefore))
            .forEach(result::add);
      }
    }
    return result;
  }

  /** Whether the partition's history names the object; {@code logs} caches each partition's named keys. */
  private boolean isReferenced(String key, Map<String, Set<String>> logs) {
    // {id}/topics/{topic}/{partition}/segments/{name} or .../manifests/{name}
    String[] parts = key.split("/");
    if (parts.length != 6) {
      return false;
    }
    Set<String> named = logs.computeIfAbsent(parts[0] + "/" + parts[2] + "/" + parts[3], k ->
        PartitionHistory.objects(storage,
            PartitionLog.read(storage, parts[0], new SourcePartition(parts[2], Integer.parseInt(parts[3])))));
    return named.contains(key);
  }

  private List<String> backupIds() {
    return childPrefixes("");
  }

  private List<String> childPrefixes(String prefix) {
    try (Stream<ListEntry> entries = storage.list(ListOptions.prefix(prefix).delimited())) {
      return entries.filter(e -> e instanceof ListEntry.Prefix)
          .map(e -> e.name().substring(prefix.length(), e.name().length() - 1))
          .collect(Collectors.toList());
    }
  }
}
