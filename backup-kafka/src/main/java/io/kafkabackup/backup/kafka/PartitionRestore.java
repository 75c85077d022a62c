package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.log.Incarnation;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Restores one source partition with its own transactional producer. Each transaction carries the
 * records and, through {@code sendOffsetsToTransaction}, the partition's new restore position: both
 * become visible together or not at all. On start, {@code initTransactions} aborts whatever a killed
 * run left open, and the position is read back from the group, so a resumed restore produces every
 * selected record exactly once, in order.
 */
final class PartitionRestore {
  private final RestoreJob job;
  private final SourcePartition source;
  private final String targetTopic;
  private final int targetPartitions;
  private final Incarnation state;
  private final String group;
  private final TopicPartition positionKey;
  private final Map<Long, Long> translations = new ConcurrentHashMap<>();
  private final NavigableSet<Long> untranslated = new TreeSet<>();
  private long records;
  private long bytes;
  private long recordsReported;
  private long bytesReported;
  /** Records sent in the open transaction; 0 when none is open. */
  private int inTransaction;
  private boolean translationPending;
  private long transactionStartedNanos;

  PartitionRestore(RestoreJob job, SourcePartition source, String targetTopic, int targetPartitions,
      Incarnation state, Set<Long> groupOffsets) {
    this.job = job;
    this.source = source;
    this.targetTopic = targetTopic;
    this.targetPartitions = targetPartitions;
    this.state = state;
    this.group = RestoreJob.positionGroup(job.options().restoreId(), source);
    this.positionKey = new TopicPartition(targetTopic, 0);
    this.untranslated.addAll(groupOffsets);
  }

  SourcePartition source() {
    return source;
  }

  long records() {
    return records;
  }

  long bytes() {
    return bytes;
  }

  void run() {
    Map<String, Object> props = job.producerProperties(source);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      RestoreCheckpoint checkpoint = job.readCheckpoint(group, positionKey);
      if (checkpoint.topicId() != null && !checkpoint.topicId().equals(state.topicId())) {
        throw new BackupException("restore '" + job.options().restoreId() + "' of " + source
            + " was started from the incarnation with topic id " + checkpoint.topicId() + " and cannot continue with "
            + (state.topicId() == null ? "one without a recorded topic id" : "topic id " + state.topicId())
            + ": restore the other incarnation under another restore id");
      }
      if (checkpoint.done()) {
        job.report(source, checkpoint.nextSourceOffset(), records, bytes, true);
        return;
      }
      translations.putAll(checkpoint.translations());
      untranslated.removeIf(o -> translations.containsKey(o) || o < checkpoint.nextSourceOffset());
      try {
        restore(producer, checkpoint.nextSourceOffset());
      } catch (RuntimeException e) {
        abortQuietly(producer);
        throw e;
      }
    }
  }

  /**
   * Produces the selected records of every segment from {@code position} on. A transaction ends only
   * at a segment's end, once the segment has been read to its last byte and its SHA-256 checked, and
   * once it holds at least {@link RestoreOptions#transactionRecords()} records (small segments share
   * one): so every record is produced from a single read of its segment, and a corrupt segment's
   * records are aborted with their transaction, never committed. A stop is honoured at a segment's end.
   */
  private void restore(KafkaProducer<byte[], byte[]> producer, long position) {
    RestoreOptions options = job.options();
    try (PartitionReplay replay = new PartitionReplay(job.storage(), options, source, state, targetPartitions,
        position)) {
      while (replay.hasNext()) {
        PartitionReplay.Item item = replay.next();
        produce(producer, item);
        if (!item.endsSegment()) {
          continue;
        }
        position = item.segmentEnd();
        if (job.stopping()) {
          commit(producer, position, false);
          job.report(source, position, records, bytes, false);
          return;
        }
        if (inTransaction >= options.transactionRecords() || job.throttled()
            && System.nanoTime() - transactionStartedNanos > RestoreJob.THROTTLED_TRANSACTION.toNanos() / 3) {
          commit(producer, position, false);
          job.report(source, position, records, bytes, false);
        }
      }
    }
    long end = Math.max(position, state.nextOffset());
    commit(producer, end, true);
    job.report(source, end, records, bytes, true);
  }

  /** Sends one record into the open transaction, beginning one if none is open. */
  private void produce(KafkaProducer<byte[], byte[]> producer, PartitionReplay.Item item) {
    BackupRecord record = item.record();
    if (inTransaction == 0) {
      producer.beginTransaction();
      transactionStartedNanos = System.nanoTime();
    }
    long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    job.throttle(size);
    Long timestamp = record.timestamp() < 0 ? null : record.timestamp();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(targetTopic, item.targetPartition(), timestamp,
        record.key(), record.value(), KafkaRecords.headers(record));
    NavigableSet<Long> reached = untranslated.headSet(record.offset(), true);
    if (reached.isEmpty()) {
      producer.send(out);
    } else {
      Set<Long> sourceOffsets = new TreeSet<>(reached);
      reached.clear();
      translationPending = true;
      producer.send(out, (metadata, error) -> {
        if (error == null) {
          sourceOffsets.forEach(o -> translations.put(o, metadata.offset()));
        }
      });
    }
    records++;
    bytes += size;
    inTransaction++;
  }

  /** After a failure: the open transaction's records must never become visible. */
  private void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
    if (inTransaction == 0) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      // The next run's initTransactions aborts it; the records stay invisible either way.
    }
    inTransaction = 0;
  }

  /** Commits the open transaction (beginning one if none is open) with the new restore position. */
  private void commit(KafkaProducer<byte[], byte[]> producer, long nextSourceOffset, boolean done) {
    if (inTransaction == 0) {
      producer.beginTransaction();
    }
    if (translationPending) {
      // The translations travel in this commit's metadata: wait for the offsets they come from.
      producer.flush();
      translationPending = false;
    }
    if (job.metrics() != null) {
      job.metrics().count("records", source.topic(), records - recordsReported);
      job.metrics().count("bytes", source.topic(), bytes - bytesReported);
      job.metrics().count("transactions", source.topic(), 1);
      recordsReported = records;
      bytesReported = bytes;
    }
    String metadata = new RestoreCheckpoint(nextSourceOffset, done, state.topicId(), new HashMap<>(translations))
        .metadata();
    // The position group has no member (no consumer joins it), so there is no consumer's group metadata to
    // pass; the group id alone is what the broker needs for an offset commit without generation fencing.
    @SuppressWarnings("removal")
    ConsumerGroupMetadata positionGroup = new ConsumerGroupMetadata(group);
    producer.sendOffsetsToTransaction(Map.of(positionKey, new OffsetAndMetadata(nextSourceOffset, metadata)),
        positionGroup);
    producer.commitTransaction();
    inTransaction = 0;
  }
}
