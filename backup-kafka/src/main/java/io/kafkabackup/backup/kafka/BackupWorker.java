package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.log.FencedException;
import io.kafkabackup.backup.log.OffsetRange;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.StorageException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a backup job and the partitions it owns: either a fixed set (one instance) or what
 * the group coordinator assigns (scale-out). Everything here runs on the worker's own thread, rebalance
 * callbacks included, as the Kafka consumer requires.
 *
 * <p>Each partition's backup is tied to its topic's id ({@link IncarnationCheck}): the id is compared when
 * a partition is taken, every {@link BackupOptions#topicCheckInterval()}, when a fetch answers out of
 * range, and before any commit of records read since the last check. A deleted topic's partitions are
 * parked until the topic exists again; a topic created again starts a new incarnation from its log start.
 */
final class BackupWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(BackupWorker.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** Consecutive failures of one partition after which the job gives up. */
  private static final int MAX_PARTITION_FAILURES = 10;

  private final BackupJob job;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> fixed;
  private final Map<TopicPartition, PartitionBackup> owned = new HashMap<>();
  private final Map<TopicPartition, Long> retryAt = new HashMap<>();
  private final Map<TopicPartition, Integer> failures = new HashMap<>();
  /** Partitions whose topic does not exist (continuous mode): unassigned until it is created again. */
  private final Map<TopicPartition, PartitionBackup> parked = new HashMap<>();
  private long nextTopicCheckNanos;
  /** Partitions discovery hands this (fixed-partition) worker while it runs. */
  private final Queue<TopicPartition> offered = new ConcurrentLinkedQueue<>();
  /** Group mode: the topics to subscribe to from now on (new topics the selection matches), or null. */
  private volatile Set<String> resubscription;
  private boolean assignedOnce;

  BackupWorker(BackupJob job, KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> fixed) {
    this.job = job;
    this.consumer = consumer;
    this.fixed = fixed;
  }

  void wakeup() {
    consumer.wakeup();
  }

  /** Hands this worker a partition to back up (a fixed-partition worker takes it on its next turn). */
  void offer(TopicPartition tp) {
    offered.add(tp);
  }

  /** Group mode: subscribe to these topics on the next turn. */
  void resubscribe(Set<String> topics) {
    resubscription = topics;
  }

  /** Takes what discovery handed over since the last turn; on the worker's thread, as the consumer needs. */
  private void takeOffered() {
    Set<String> topics = resubscription;
    if (topics != null) {
      resubscription = null;
      consumer.subscribe(topics, new Rebalance());
    }
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition tp = offered.poll(); tp != null; tp = offered.poll()) {
      fresh.add(tp);
    }
    if (!fresh.isEmpty()) {
      take(fresh);
    }
  }

  @Override
  public void run() {
    try {
      if (fixed != null) {
        take(fixed);
        job.workerStarted();
      } else {
        consumer.subscribe(job.topics(), new Rebalance());
      }
      loop();
      for (TopicPartition tp : new ArrayList<>(owned.keySet())) {
        commit(tp, consumer.position(tp));
      }
    } catch (WakeupException e) {
      // Stopped while closing: what was committed stays; the open spans are read again next run.
    } catch (RuntimeException | Error e) {
      // An Error (OutOfMemoryError) fails the job too: a worker that died must never let it report
      // "complete" for partitions it did not finish.
      job.fail(e);
    } finally {
      close();
    }
  }

  /**
   * Closes the consumer. A group member leaves its group within the default timeout, so its
   * partitions move at once; a consumer of fixed partitions has nothing to hand over (positions live in
   * the commit log), so it does not wait for its last fetch (up to {@code fetch.max.wait.ms}) to end.
   */
  private void close() {
    try {
      consumer.close(fixed == null ? CloseOptions.timeout(CLOSE_TIMEOUT) : CloseOptions.timeout(Duration.ZERO));
    } catch (RuntimeException e) {
      LOG.debug("backup {}: closing a consumer failed: {}", job.options().backupId(), e.getMessage());
    }
  }

  private void loop() {
    nextTopicCheckNanos = System.nanoTime() + job.options().topicCheckInterval().toNanos();
    while (!job.stopping()) {
      if (fixed != null ? owned.isEmpty() && parked.isEmpty() : assignedOnce && owned.isEmpty() && job.snapshot()) {
        return;
      }
      takeOffered();
      if (System.nanoTime() >= nextTopicCheckNanos) {
        nextTopicCheckNanos = System.nanoTime() + job.options().topicCheckInterval().toNanos();
        checkTopicsQuietly();
      }
      if (fixed != null && owned.isEmpty()) {
        // Every partition is parked and a consumer without partitions cannot poll: wait for the next check.
        job.awaitStop(job.options().topicCheckInterval());
        continue;
      }
      ConsumerRecords<byte[], byte[]> records;
      try {
        resumeDue();
        records = consumer.poll(job.options().pollTimeout());
      } catch (OffsetOutOfRangeException e) {
        outOfRange(e.partitions());
        continue;
      } catch (WakeupException e) {
        return;
      }
      for (TopicPartition tp : records.partitions()) {
        append(tp, records.records(tp));
      }
      long now = System.nanoTime();
      for (TopicPartition tp : new ArrayList<>(owned.keySet())) {
        PartitionBackup backup = owned.get(tp);
        if (backup == null) {
          continue;
        }
        if (!retryAt.containsKey(tp)) {
          long position = consumer.position(tp);
          if (job.snapshot() && position >= job.endOffset(tp)) {
            if (commit(tp, position)) {
              release(tp, true);
            }
          } else if (backup.due(now)) {
            commit(tp, position);
          }
          job.report(tp, backup.spanStart(), false);
        }
        if (job.metrics() != null) {
          recordLag(tp, backup);
        }
      }
    }
  }

  /**
   * A partition finished (released) has nothing left to back up; an owned one lags by what the log holds
   * beyond the consumer plus what was read but is not committed yet. A paused partition (failing, waiting
   * to retry) keeps the lag last seen, so its recovery point goes on growing.
   */
  private void recordLag(TopicPartition tp, PartitionBackup backup) {
    if (!owned.containsKey(tp)) {
      job.metrics().partition(tp.topic(), tp.partition(), 0, backup.newestCommittedTimestamp());
      return;
    }
    OptionalLong lag = consumer.currentLag(tp);
    if (lag.isPresent()) {
      job.metrics().partition(tp.topic(), tp.partition(), lag.getAsLong() + consumer.position(tp) - backup.spanStart(),
          backup.newestCommittedTimestamp());
    }
  }

  /**
   * Appends a fetched batch. {@link BackupOptions#segmentMaxRecords()} is a hard cap: a segment that
   * reaches it is committed right there, ending at the next record of the batch.
   */
  private void append(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> batch) {
    int from = 0;
    while (from < batch.size()) {
      PartitionBackup backup = owned.get(tp);
      if (backup == null) {
        return;
      }
      int to = (int) Math.min(batch.size(), from + backup.recordsBeforeFull());
      try {
        backup.append(batch.subList(from, to));
      } catch (UncheckedIOException | StorageException e) {
        failed(tp, e);
        return;
      }
      from = to;
      if (from < batch.size() && !commit(tp, batch.get(from).offset())) {
        return; // rolled back, fenced or the topic changed: the partition was sought where it goes on
      }
    }
  }

  /**
   * Takes partitions over: claims each log (fencing earlier writers), compares its incarnation with the
   * topic's id now, and seeks to its position.
   */
  private void take(Collection<TopicPartition> partitions) {
    Map<String, String> ids = job.topicIds(topicsOf(partitions));
    // Claim first: an earlier writer still running commits until the claim fences it, so the log's
    // bounds are read only once no one else can move the position past them.
    Map<TopicPartition, PartitionLog> logs = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      logs.put(tp, PartitionLog.claim(job.storage(), job.options().backupId(), KafkaRecords.source(tp),
          job.writerId(), ids.get(tp.topic()), job.options().logPolicy()));
    }
    List<TopicPartition> present = partitions.stream().filter(tp -> ids.containsKey(tp.topic()))
        .collect(Collectors.toList());
    Map<TopicPartition, Long> starts = present.isEmpty() ? Map.of() : consumer.beginningOffsets(present);
    Map<TopicPartition, Long> ends = present.isEmpty() ? Map.of() : consumer.endOffsets(present);
    List<TopicPartition> toSeek = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      String topicId = ids.get(tp.topic());
      PartitionLog log = logs.get(tp);
      long position = log.state().nextOffset();
      PartitionBackup backup = new PartitionBackup(job.storage(), job.options(), log, position, job.encoder());
      switch (IncarnationCheck.decide(log.state().topicId(), position, topicId, ends.getOrDefault(tp, -1L))) {
        case TOPIC_MISSING:
          if (job.snapshot()) {
            job.report(tp, position, true);
          } else {
            LOG.info("backup {} partition {}: topic {} does not exist; waiting for it", job.options().backupId(), tp,
                tp.topic());
            parked.put(tp, backup);
          }
          continue;
        case TRUNCATED:
          job.partitionStopped(tp, IncarnationCheck.truncatedMessage(job.options().backupId(), log.partition(),
              log.state().topicId(), position, ends.get(tp)));
          continue;
        case NEW_INCARNATION:
          position = starts.get(tp);
          job.describeAgain(tp.topic(), topicId);
          backup.startIncarnation(topicId, position);
          if (job.snapshot()) {
            job.newEndOffset(tp, ends.get(tp));
          }
          break;
        case CONTINUE:
          if (position < 0) {
            position = starts.get(tp);
            backup = new PartitionBackup(job.storage(), job.options(), log, position, job.encoder());
          }
          break;
        default:
          throw new AssertionError();
      }
      if (job.snapshot() && position >= job.endOffset(tp)) {
        job.report(tp, position, true);
        continue;
      }
      owned.put(tp, backup);
      toSeek.add(tp);
    }
    if (fixed == null) {
      // The group consumer owns these now; seek after the assignment is in place.
      for (TopicPartition tp : toSeek) {
        consumer.seek(tp, owned.get(tp).spanStart());
      }
      Set<TopicPartition> finished = new HashSet<>(partitions);
      finished.removeAll(toSeek);
      consumer.pause(finished);
    } else {
      consumer.assign(new ArrayList<>(owned.keySet())); // what it had, and what it takes now
      for (TopicPartition tp : toSeek) {
        consumer.seek(tp, owned.get(tp).spanStart());
      }
    }
  }

  private static Set<String> topicsOf(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::topic).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The periodic check: a cluster that does not answer now is asked again at the next one. */
  private void checkTopicsQuietly() {
    List<TopicPartition> all = new ArrayList<>(owned.keySet());
    all.addAll(parked.keySet());
    if (all.isEmpty()) {
      return;
    }
    try {
      checkTopics(all);
    } catch (BackupException e) {
      LOG.warn("backup {}: checking the topics' ids failed, trying again in {}: {}", job.options().backupId(),
          job.options().topicCheckInterval(), e.getMessage());
    }
  }

  /**
   * Compares the topics' ids with the incarnations being backed up: a match proves every record read so
   * far; a change closes the proven part of the span and parks the partition or starts its new incarnation;
   * a parked partition whose topic exists again is taken up.
   *
   * @return the owned partitions whose topic id is unchanged
   * @throws BackupException if the cluster did not answer
   */
  private Set<TopicPartition> checkTopics(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> positions = new HashMap<>();
    for (TopicPartition tp : partitions) {
      if (owned.containsKey(tp)) {
        positions.put(tp, consumer.position(tp)); // before asking: every record read so far is older than the answer
      }
    }
    Map<String, String> ids = job.topicIds(topicsOf(partitions));
    Set<TopicPartition> unchanged = new HashSet<>();
    for (TopicPartition tp : partitions) {
      String topicId = ids.get(tp.topic());
      PartitionBackup backup = owned.get(tp);
      if (backup != null) {
        if (Objects.equals(topicId, backup.topicId())) {
          backup.proven(positions.get(tp));
          unchanged.add(tp);
        } else {
          topicChanged(tp, backup, topicId);
        }
      } else if (parked.containsKey(tp) && topicId != null) {
        unpark(tp, topicId);
      }
    }
    return unchanged;
  }

  /** The topic was deleted ({@code topicId} null) or created again: close the old incarnation's span. */
  private void topicChanged(TopicPartition tp, PartitionBackup backup, String topicId) {
    try {
      OffsetRange dropped = backup.closeProven();
      if (dropped != null) {
        LOG.warn("backup {} partition {}: topic {} changed (id {} -> {}) while offsets [{}, {}) were being read; "
            + "they could come from either topic and are not kept", job.options().backupId(), tp, tp.topic(),
            backup.topicId(), topicId, dropped.from(), dropped.to());
      }
      if (topicId == null) {
        if (job.snapshot()) {
          release(tp, true);
          return;
        }
        LOG.info("backup {} partition {}: topic {} was deleted; its history is kept up to offset {}, waiting for the "
            + "topic to exist again", job.options().backupId(), tp, tp.topic(), backup.spanStart());
        owned.remove(tp);
        retryAt.remove(tp);
        failures.remove(tp);
        parked.put(tp, backup);
        if (fixed != null) {
          consumer.assign(new ArrayList<>(owned.keySet()));
        } else {
          consumer.pause(List.of(tp));
        }
        return;
      }
      startIncarnation(tp, backup, topicId);
    } catch (FencedException e) {
      fencedOut(tp, e);
    } catch (UncheckedIOException | StorageException e) {
      failed(tp, e);
    }
  }

  /** A parked partition's topic exists again. */
  private void unpark(TopicPartition tp, String topicId) {
    PartitionBackup backup = parked.remove(tp);
    owned.put(tp, backup);
    if (fixed != null) {
      consumer.assign(new ArrayList<>(owned.keySet()));
    } else {
      consumer.resume(List.of(tp));
    }
    try {
      if (topicId.equals(backup.topicId())) {
        consumer.seek(tp, backup.spanStart()); // it was only missing from the metadata for a while
      } else {
        startIncarnation(tp, backup, topicId);
      }
    } catch (FencedException e) {
      fencedOut(tp, e);
    } catch (UncheckedIOException | StorageException e) {
      failed(tp, e);
    }
  }

  private void startIncarnation(TopicPartition tp, PartitionBackup backup, String topicId) {
    long start = consumer.beginningOffsets(List.of(tp)).get(tp);
    job.describeAgain(tp.topic(), topicId);
    backup.startIncarnation(topicId, start);
    if (job.snapshot()) {
      job.newEndOffset(tp, consumer.endOffsets(List.of(tp)).get(tp));
    }
    consumer.seek(tp, start);
  }

  private boolean commit(TopicPartition tp, long position) {
    PartitionBackup backup = owned.get(tp);
    if (backup.unproven(position)) {
      try {
        if (!checkTopics(List.of(tp)).contains(tp)) {
          return false; // the topic changed: what could be kept was committed by the change
        }
      } catch (BackupException e) {
        failed(tp, e);
        return false;
      }
    }
    try {
      long started = System.nanoTime();
      SegmentEntry segment = backup.commit(position);
      if (segment != null && job.metrics() != null) {
        job.metrics().commitLatency(tp.topic(), Duration.ofNanos(System.nanoTime() - started));
      }
      failures.remove(tp);
      job.committed(tp, segment);
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
   * Drops a partition's uncommitted span after a failure and pauses it for a growing back-off; when it
   * is due, {@link #resumeDue()} reads its log again and goes on from the committed position. A snapshot
   * gives up after {@value #MAX_PARTITION_FAILURES} failures in a row; a continuous backup rides out an
   * outage of the store or the cluster for as long as it lasts (a store that refuses for good, such as
   * bad credentials, still ends it).
   */
  private void failed(TopicPartition tp, RuntimeException cause) {
    PartitionBackup backup = owned.get(tp);
    if (backup == null) {
      return;
    }
    int count = failures.merge(tp, 1, Integer::sum);
    boolean rideOut = !job.snapshot() && !(cause instanceof StorageException s && !s.isRetryable());
    if (count > MAX_PARTITION_FAILURES && !rideOut) {
      throw new IllegalStateException("backup " + job.options().backupId() + " partition " + tp + " failed " + count
          + " times in a row: " + cause.getMessage(), cause);
    }
    job.failedOnce(tp, cause);
    long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 200L << Math.min(count, 8));
    LOG.warn("backup {} partition {}: {} (failure {}); reading again from the committed position in {} ms",
        job.options().backupId(), tp, cause.getMessage(), count, backoffMillis);
    backup.discard();
    // Back to the position the span started at: what was read and dropped is read again, and no commit
    // while the partition waits (a stop, a rebalance) can account for offsets it never stored.
    consumer.seek(tp, backup.spanStart());
    consumer.pause(List.of(tp));
    retryAt.put(tp, System.nanoTime() + backoffMillis * 1_000_000);
  }

  /** Another writer claimed the partition: an expected outcome (a rebalance), one line at info. */
  private void fencedOut(TopicPartition tp, FencedException e) {
    LOG.info("backup {}: {}", job.options().backupId(), e.getMessage());
    release(tp, false);
    job.fenced(tp, e);
  }

  private void resumeDue() {
    long now = System.nanoTime();
    List<TopicPartition> due = new ArrayList<>();
    retryAt.forEach((tp, at) -> {
      if (now >= at) {
        due.add(tp);
      }
    });
    for (TopicPartition tp : due) {
      retryAt.remove(tp);
      PartitionBackup backup = owned.get(tp);
      if (backup == null) {
        continue;
      }
      try {
        consumer.seek(tp, backup.rollBack());
        consumer.resume(List.of(tp));
      } catch (FencedException e) {
        fencedOut(tp, e);
      } catch (UncheckedIOException | StorageException | BackupException e) {
        failed(tp, e);
      }
    }
  }

  /**
   * A fetch answered out of range: the topic was created again (a new id), retention deleted offsets
   * before they were read (recorded as skipped; the backup goes on from the log start), or the log now
   * ends below the position (truncated: the partition's backup stops).
   */
  private void outOfRange(Set<TopicPartition> partitions) {
    Set<TopicPartition> unchanged;
    try {
      unchanged = checkTopics(partitions.stream().filter(owned::containsKey).collect(Collectors.toList()));
    } catch (BackupException e) {
      partitions.stream().filter(owned::containsKey).forEach(tp -> failed(tp, e));
      return;
    }
    if (unchanged.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(unchanged);
    Map<TopicPartition, Long> ends = consumer.endOffsets(unchanged);
    for (TopicPartition tp : unchanged) {
      PartitionBackup backup = owned.get(tp);
      long from = consumer.position(tp);
      long to = starts.get(tp);
      if (to > from) {
        LOG.warn("backup {} partition {}: offsets [{}, {}) were deleted by retention before they were read; "
            + "recorded as skipped", job.options().backupId(), tp, from, to);
        backup.skip(from, to);
      } else if (from > ends.get(tp)) {
        job.partitionStopped(tp, IncarnationCheck.truncatedMessage(job.options().backupId(), backup.partition(),
            backup.topicId(), from, ends.get(tp)));
        backup.discard();
        release(tp, false);
        continue;
      }
      consumer.seek(tp, Math.max(from, to));
    }
  }

  private void release(TopicPartition tp, boolean done) {
    PartitionBackup backup = owned.remove(tp);
    retryAt.remove(tp);
    failures.remove(tp);
    if (fixed != null) {
      consumer.assign(new ArrayList<>(owned.keySet()));
    } else {
      consumer.pause(List.of(tp));
    }
    if (backup != null) {
      job.report(tp, backup.spanStart(), done);
    }
  }

  /** Group mode: commit what is owned before giving it up; claim what is given. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        if (owned.containsKey(tp) && !retryAt.containsKey(tp)) {
          commit(tp, consumer.position(tp));
        }
        PartitionBackup backup = owned.remove(tp);
        if (backup != null) {
          backup.discard();
        }
        parked.remove(tp);
        retryAt.remove(tp);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBackup backup = owned.remove(tp);
        if (backup != null) {
          backup.discard();
        }
        parked.remove(tp);
        retryAt.remove(tp);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      take(partitions);
      if (!assignedOnce) {
        assignedOnce = true;
        job.workerStarted();
      }
    }
  }
}
