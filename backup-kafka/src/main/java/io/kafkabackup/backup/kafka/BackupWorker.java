package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.FencedException;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.StorageException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
  private boolean assignedOnce;

  BackupWorker(BackupJob job, KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> fixed) {
    this.job = job;
    this.consumer = consumer;
    this.fixed = fixed;
  }

  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      if (fixed != null) {
        take(fixed);
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
    while (!job.stopping()) {
      if (fixed != null ? owned.isEmpty() : assignedOnce && owned.isEmpty() && job.snapshot()) {
        return;
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
        PartitionBackup backup = owned.get(tp);
        if (backup != null) {
          try {
            backup.append(records.records(tp));
          } catch (UncheckedIOException | StorageException e) {
            failed(tp, e);
          }
        }
      }
      long now = System.nanoTime();
      for (TopicPartition tp : new ArrayList<>(owned.keySet())) {
        PartitionBackup backup = owned.get(tp);
        if (backup == null || retryAt.containsKey(tp)) {
          continue;
        }
        long position = consumer.position(tp);
        long end = job.endOffset(tp);
        if (job.snapshot() && position >= end) {
          if (commit(tp, position)) {
            release(tp, true);
          }
        } else if (backup.due(now)) {
          commit(tp, position);
        }
        job.report(tp, backup.spanStart(), false);
        if (job.metrics() != null) {
          // A partition finished (released) has nothing left to back up; an owned one lags by what the
          // log holds beyond the consumer plus what was read but is not committed yet.
          OptionalLong lag = owned.containsKey(tp) ? consumer.currentLag(tp) : OptionalLong.of(backup.spanStart() - position);
          if (lag.isPresent()) {
            job.metrics().lag(tp.topic(), tp.partition(), lag.getAsLong() + position - backup.spanStart());
          }
        }
      }
    }
  }

  /** Takes partitions over: claims each log (fencing earlier writers) and seeks to its position. */
  private void take(Collection<TopicPartition> partitions) {
    List<TopicPartition> toSeek = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      SourcePartition source = KafkaRecords.source(tp);
      PartitionLog log = PartitionLog.claim(job.storage(), job.options().backupId(), source, job.writerId());
      long position = log.state().nextOffset();
      if (position < 0) {
        position = job.beginningOffset(tp);
      }
      if (job.snapshot() && position >= job.endOffset(tp)) {
        job.report(tp, position, true);
        continue;
      }
      owned.put(tp, new PartitionBackup(job.storage(), job.options(), log, position, job.encoder()));
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
      consumer.assign(toSeek);
      for (TopicPartition tp : toSeek) {
        consumer.seek(tp, owned.get(tp).spanStart());
      }
    }
  }

  private boolean commit(TopicPartition tp, long position) {
    PartitionBackup backup = owned.get(tp);
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
      LOG.warn("backup {}: {}", job.options().backupId(), e.getMessage());
      release(tp, false);
      job.fenced(tp, e);
      return false;
    } catch (UncheckedIOException | StorageException e) {
      failed(tp, e);
      return false;
    }
  }

  /** Rolls a partition back to its committed position and pauses it for a growing back-off. */
  private void failed(TopicPartition tp, RuntimeException cause) {
    PartitionBackup backup = owned.get(tp);
    int count = failures.merge(tp, 1, Integer::sum);
    if (count > MAX_PARTITION_FAILURES) {
      throw new IllegalStateException("backup " + job.options().backupId() + " partition " + tp + " failed " + count
          + " times in a row: " + cause.getMessage(), cause);
    }
    long backoffMillis = Math.min(MAX_BACKOFF.toMillis(), 200L << Math.min(count, 8));
    LOG.warn("backup {} partition {}: {} (failure {}); reading again from the committed position in {} ms",
        job.options().backupId(), tp, cause.getMessage(), count, backoffMillis);
    try {
      long position = backup.rollBack();
      consumer.seek(tp, position);
      consumer.pause(List.of(tp));
      retryAt.put(tp, System.nanoTime() + backoffMillis * 1_000_000);
    } catch (FencedException e) {
      release(tp, false);
      job.fenced(tp, e);
    }
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
      if (owned.containsKey(tp)) {
        consumer.resume(List.of(tp));
      }
    }
  }

  /** Retention deleted offsets before they were read: record them as skipped and go on from the log start. */
  private void outOfRange(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
    for (TopicPartition tp : partitions) {
      PartitionBackup backup = owned.get(tp);
      long from = consumer.position(tp);
      long to = starts.get(tp);
      if (backup != null && to > from) {
        LOG.warn("backup {} partition {}: offsets [{}, {}) were deleted by retention before they were read; "
            + "recorded as skipped", job.options().backupId(), tp, from, to);
        backup.skip(from, to);
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
          backup.abandon();
        }
        retryAt.remove(tp);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionBackup backup = owned.remove(tp);
        if (backup != null) {
          backup.abandon();
        }
        retryAt.remove(tp);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assignedOnce = true;
      take(partitions);
    }
  }
}
