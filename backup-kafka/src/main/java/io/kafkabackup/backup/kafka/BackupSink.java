package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.log.FencedException;
import io.kafkabackup.backup.log.OffsetRange;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup engine fed by a consumer it does not own — Kafka Connect's sink task hands it the
 * partitions it is assigned and the records it reads. Everything else is {@link BackupJob}'s: the same
 * partition writers (segments, create-only commits), the same claims that fence an earlier owner of a
 * partition, the same topic-id checks that keep a re-created topic's records out of the old topic's
 * history, the same descriptor, topic descriptions, group snapshots and status.
 *
 * <p>The caller positions its consumer through a {@link Control}: {@link #open} rewinds each partition
 * to what its commit log holds, so records read before a crash or by an earlier owner are read again;
 * {@link #committed()} is the only position the caller may report as done.
 *
 * <p>Not thread-safe: one task's thread calls it, as Kafka Connect calls a task.
 */
public final class BackupSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupSink.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How the caller's consumer is steered: Kafka Connect's {@code SinkTaskContext}. */
  public interface Control {
    /**
     * Reads the partition from {@code offset} on; records already handed to {@link #put} after this call
     * are ignored until those from the new position arrive.
     *
     * @param tp the partition
     * @param offset the next offset to read
     */
    void rewind(TopicPartition tp, long offset);

    /**
     * Stops fetching the partition (while a failed commit waits to be retried).
     *
     * @param tp the partition
     */
    void pause(TopicPartition tp);

    /**
     * Fetches the partition again.
     *
     * @param tp the partition
     */
    void resume(TopicPartition tp);
  }

  /** The control of an instance that takes no partition (one that only stores the cluster's snapshots). */
  public static final Control NO_CONTROL = new Control() {
    @Override
    public void rewind(TopicPartition tp, long offset) {
      throw new IllegalStateException("this backup sink takes no partition");
    }

    @Override
    public void pause(TopicPartition tp) {
      throw new IllegalStateException("this backup sink takes no partition");
    }

    @Override
    public void resume(TopicPartition tp) {
      throw new IllegalStateException("this backup sink takes no partition");
    }
  };

  private final StorageBackend storage;
  private final BackupOptions options;
  private final Control control;
  private final String writerId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final BackupMetadata metadata;
  private final Map<TopicPartition, PartitionBackup> owned = new HashMap<>();
  /** Partitions whose span was dropped: records handed over before the rewind takes effect are ignored. */
  private final Set<TopicPartition> rewinding = new HashSet<>();
  private final Map<TopicPartition, Long> retryAt = new HashMap<>();
  /**
   * Partitions another writer claimed while they were still assigned here: their records are ignored
   * until the caller assigns them again ({@link #open}), so this task never claims them back from the
   * newer owner.
   */
  private final Set<TopicPartition> fenced = new HashSet<>();
  private final Map<TopicPartition, Integer> failures = new HashMap<>();
  private final ExecutorService encoder;
  private final Admin admin;

  /**
   * Connects to the cluster and writes (or checks) the backup's descriptor.
   *
   * @param storage where the backup goes; not closed here
   * @param options the backup's settings: id, compression, segment limits, retention, Kafka client
   *     properties (for the admin client that reads topic ids and offsets)
   * @param control steers the caller's consumer
   * @throws BackupException if the cluster does not answer or the backup id belongs to another cluster
   */
  public BackupSink(StorageBackend storage, BackupOptions options, Control control) {
    this.storage = storage;
    this.options = options;
    this.control = control;
    this.metadata = new BackupMetadata(storage, options, writerId);
    AtomicInteger threads = new AtomicInteger();
    // Two threads per core, as in BackupJob: a block's write waits on the store while others compress.
    this.encoder = Executors.newFixedThreadPool(2 * Runtime.getRuntime().availableProcessors(), r -> {
      Thread t = new Thread(r, "kafka-backup-" + options.backupId() + "-sink-encoder-" + threads.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    Map<String, Object> props = new HashMap<>(options.kafka());
    props.putIfAbsent("client.id", "kafka-backup-" + options.backupId() + "-sink-" + writerId);
    Admin created = Admin.create(props);
    try {
      metadata.writeDescriptor(ClusterSnapshots.await(created.describeCluster().clusterId(), "describing the cluster"));
    } catch (RuntimeException e) {
      created.close(Duration.ZERO);
      encoder.shutdownNow();
      throw e;
    }
    this.admin = created;
  }

  /**
   * The writer id this engine claims partitions with (it fences every earlier claim).
   *
   * @return the id
   */
  public String writerId() {
    return writerId;
  }

  /**
   * Takes partitions over: claims each commit log (fencing an earlier owner), compares the incarnation
   * it continues with the topic's id now, stores the topic's description, and rewinds the consumer to
   * the position the log holds (the log start for a new partition or a topic created again).
   *
   * @param partitions the partitions assigned
   * @throws BackupException if the cluster does not answer or a partition's log was truncated below the
   *     backup (the backup of that partition cannot go on under this id)
   */
  public void open(Collection<TopicPartition> partitions) {
    fenced.removeAll(partitions);
    Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toCollection(TreeSet::new));
    Map<String, String> ids = ClusterSnapshots.topicIds(admin, topics);
    Map<TopicPartition, PartitionLog> logs = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      logs.put(tp, PartitionLog.claim(storage, options.backupId(), KafkaRecords.source(tp), writerId,
          ids.get(tp.topic()), options.logPolicy()));
    }
    List<TopicPartition> present = partitions.stream().filter(tp -> ids.containsKey(tp.topic()))
        .collect(Collectors.toList());
    Map<TopicPartition, Long> starts = listOffsets(present, OffsetSpec.earliest());
    Map<TopicPartition, Long> ends = listOffsets(present, OffsetSpec.latest());
    for (TopicPartition tp : partitions) {
      String topicId = ids.get(tp.topic());
      PartitionLog log = logs.get(tp);
      long position = log.state().nextOffset();
      PartitionBackup backup = new PartitionBackup(storage, options, log, position, encoder);
      switch (IncarnationCheck.decide(log.state().topicId(), position, topicId, ends.getOrDefault(tp, -1L))) {
        case TOPIC_MISSING:
          // Deleted since it was assigned: nothing to read; a put for it claims it again.
          LOG.info("backup {} partition {}: topic {} does not exist now", options.backupId(), tp, tp.topic());
          continue;
        case TRUNCATED:
          throw new BackupException(IncarnationCheck.truncatedMessage(options.backupId(), log.partition(),
              log.state().topicId(), position, ends.get(tp)));
        case NEW_INCARNATION:
          metadata.describeOnce(admin, tp.topic(), topicId);
          backup.startIncarnation(topicId, starts.get(tp));
          break;
        case CONTINUE:
          metadata.describeOnce(admin, tp.topic(), topicId);
          if (position < 0) {
            backup = new PartitionBackup(storage, options, log, starts.get(tp), encoder);
          }
          break;
        default:
          throw new AssertionError();
      }
      owned.put(tp, backup);
      rewind(tp, backup.spanStart());
    }
  }

  /**
   * Appends records of one partition, in offset order, committing a segment whenever it reaches
   * {@link BackupOptions#segmentMaxRecords()}. Records before the span's next offset (delivered again)
   * are skipped; a partition not owned (its topic was missing when it was assigned) is claimed first, one
   * that another writer claimed meanwhile is not.
   *
   * @param tp the partition
   * @param records its records
   */
  public void put(TopicPartition tp, List<BackupRecord> records) {
    // A rewind takes effect before the caller's next read: these records come from the new position.
    rewinding.remove(tp);
    if (fenced.contains(tp)) {
      return; // the newer owner reads them
    }
    if (!owned.containsKey(tp)) {
      open(List.of(tp));
      return; // rewound: what was handed over is read again from the claimed position
    }
    for (BackupRecord record : records) {
      PartitionBackup backup = owned.get(tp);
      if (backup == null || rewinding.contains(tp)) {
        return;
      }
      if (record.offset() < backup.nextToAppend()) {
        continue;
      }
      if (backup.recordsBeforeFull() <= 0 && !commit(tp, record.offset())) {
        return;
      }
      try {
        backup.append(record);
      } catch (UncheckedIOException | StorageException e) {
        failed(tp, e);
        return;
      }
    }
  }

  /**
   * Commits every partition whose open segment is due by size, record count or age, and resumes the
   * partitions whose retry back-off has passed. Called after every delivery, even an empty one.
   */
  public void commitDue() {
    long now = System.nanoTime();
    for (TopicPartition tp : new ArrayList<>(retryAt.keySet())) {
      if (now >= retryAt.get(tp)) {
        retryAt.remove(tp);
        control.resume(tp);
      }
    }
    for (TopicPartition tp : new ArrayList<>(owned.keySet())) {
      PartitionBackup backup = owned.get(tp);
      if (backup != null && !rewinding.contains(tp) && backup.due(now)) {
        commit(tp, backup.nextToAppend());
      }
    }
  }

  /**
   * The positions made durable by a commit: the only offsets the caller may report as consumed.
   *
   * @return the next offset to back up, for every owned partition
   */
  public Map<TopicPartition, Long> committed() {
    Map<TopicPartition, Long> positions = new HashMap<>();
    owned.forEach((tp, backup) -> positions.put(tp, backup.spanStart()));
    return positions;
  }

  /**
   * Gives partitions up (a rebalance): commits what was read of each, then drops it. A partition another
   * owner already claimed is given up without its open span (one line at info).
   *
   * @param partitions the partitions revoked
   */
  public void close(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionBackup backup = owned.get(tp);
      if (backup != null && !retryAt.containsKey(tp) && !rewinding.contains(tp)) {
        commit(tp, backup.nextToAppend());
      }
      backup = owned.remove(tp);
      if (backup != null) {
        backup.discard();
      }
      retryAt.remove(tp);
      failures.remove(tp);
      rewinding.remove(tp);
      fenced.remove(tp);
    }
  }

  /**
   * Stores the committed offsets of the consumer groups on {@code topics} and (per
   * {@link BackupOptions#securityScope()}) their ACLs, and marks the backup as running — what
   * {@link BackupJob} does at its start and periodically. The topics are those of the backup's selection
   * that exist now.
   *
   * @throws BackupException if the cluster did not answer
   */
  public void snapshotCluster() {
    Set<String> topics = options.topics().present(ClusterSnapshots.await(admin.listTopics().names(), "listing topics"));
    metadata.writeStatus(BackupState.RUNNING, null, null);
    metadata.storeSecurity(admin, topics, metadata.snapshotGroups(admin, topics));
  }

  /**
   * Marks the backup as stopped (a connector deleted or paused).
   */
  public void stopped() {
    metadata.writeStatus(BackupState.STOPPED, Instant.now().toString(), null);
  }

  /** Gives every partition up (committing what was read) and closes the admin client. */
  @Override
  public void close() {
    try {
      close(new ArrayList<>(owned.keySet()));
    } finally {
      encoder.shutdownNow();
      admin.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Commits a partition's span up to {@code position}, checking the topic's id first when records were
   * read since it was last found unchanged.
   *
   * @return whether the partition goes on from {@code position}
   */
  private boolean commit(TopicPartition tp, long position) {
    PartitionBackup backup = owned.get(tp);
    if (backup.unproven(position)) {
      String topicId;
      try {
        topicId = ClusterSnapshots.topicIds(admin, List.of(tp.topic())).get(tp.topic());
      } catch (BackupException e) {
        failed(tp, e);
        return false;
      }
      if (topicId == null || !topicId.equals(backup.topicId())) {
        topicChanged(tp, backup, topicId);
        return false;
      }
      backup.proven(position);
    }
    try {
      backup.commit(position);
      failures.remove(tp);
      return true;
    } catch (FencedException e) {
      fencedOut(tp, e);
      return false;
    } catch (UncheckedIOException | StorageException e) {
      failed(tp, e);
      return false;
    }
  }

  /**
   * Another writer claimed the partition (a newer task, the CLI): an expected outcome, one line at info.
   * The partition is no longer fetched; the rebalance that gave it away takes it from this task.
   */
  private void fencedOut(TopicPartition tp, FencedException e) {
    LOG.info("backup {}: {}", options.backupId(), e.getMessage());
    PartitionBackup backup = owned.remove(tp);
    if (backup != null) {
      backup.discard();
    }
    retryAt.remove(tp);
    fenced.add(tp);
    try {
      control.pause(tp);
    } catch (RuntimeException notAssigned) {
      // Already being revoked: nothing more is fetched for it anyway.
    }
  }

  /** The topic was deleted or created again under the name: keeps what is proven, then starts over. */
  private void topicChanged(TopicPartition tp, PartitionBackup backup, String topicId) {
    try {
      OffsetRange dropped = backup.closeProven();
      if (dropped != null) {
        LOG.warn("backup {} partition {}: topic {} changed (id {} -> {}) while offsets [{}, {}) were being read; "
            + "they could come from either topic and are not kept", options.backupId(), tp, tp.topic(),
            backup.topicId(), topicId, dropped.from(), dropped.to());
      }
    } catch (FencedException e) {
      fencedOut(tp, e);
      return;
    } catch (UncheckedIOException | StorageException e) {
      failed(tp, e);
      return;
    }
    owned.remove(tp);
    if (topicId != null) {
      open(List.of(tp)); // the new incarnation, from its log start
    }
  }

  /**
   * Drops the span after a failure, rewinds to the committed position and pauses the partition for a
   * growing back-off, as a {@link BackupJob} worker does.
   */
  private void failed(TopicPartition tp, RuntimeException cause) {
    PartitionBackup backup = owned.get(tp);
    int count = failures.merge(tp, 1, Integer::sum);
    long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 200L << Math.min(count, 8));
    LOG.warn("backup {} partition {}: {} (failure {}); reading again from the committed position in {} ms",
        options.backupId(), tp, cause.getMessage(), count, backoffMillis);
    long position;
    try {
      position = backup.rollBack();
    } catch (FencedException e) {
      fencedOut(tp, e);
      return;
    } catch (RuntimeException e) {
      backup.discard();
      position = backup.spanStart();
    }
    rewind(tp, position);
    control.pause(tp);
    retryAt.put(tp, System.nanoTime() + backoffMillis * 1_000_000);
  }

  private void rewind(TopicPartition tp, long position) {
    rewinding.add(tp);
    control.rewind(tp, position);
  }

  private Map<TopicPartition, Long> listOffsets(List<TopicPartition> partitions, OffsetSpec spec) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    ClusterSnapshots.await(admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
        "listing offsets of " + partitions).forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }
}
