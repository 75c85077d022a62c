package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.DataKey;
import io.kafkabackup.backup.format.SegmentSummary;
import io.kafkabackup.backup.format.SegmentWriter;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.OffsetRange;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's open span in a backup job: the records read since the last commit stream into a
 * segment ({@code openWriter}, create-only), and {@link #commit} closes the segment and appends the
 * commit that makes it part of the backup. Until then nothing of the span is visible, so a crash at
 * any point loses only uncommitted work, which the next run reads again from the committed position.
 *
 * <p>The span is also tied to one topic id: a commit is made only up to the position at which the
 * topic's id was last seen unchanged ({@link #proven}), so records of a topic created again under the
 * same name never join the old topic's history.
 */
final class PartitionBackup {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionBackup.class);
  private static final int COMMIT_ATTEMPTS = 5;

  private final StorageBackend storage;
  private final BackupOptions options;
  private final PartitionLog log;
  /** Makes each segment's data key when the backup is encrypted; null otherwise. */
  private final SegmentKeys keys;
  private final Executor encoder;
  private final List<OffsetRange> skipped = new ArrayList<>();
  private long spanStart;
  /** The consumer position at the last check that found the topic's id unchanged. */
  private long provenPosition;
  /** The offset of the last record appended to the open segment, {@code -1} when none is open. */
  private long lastAppended = -1;
  private ObjectKey segmentKey;
  private ObjectWriter out;
  private SegmentWriter segment;
  private long openedAtNanos;
  /** The largest record timestamp committed to the current incarnation, {@code -1} if none. */
  private long newestCommittedTimestamp;

  PartitionBackup(StorageBackend storage, BackupOptions options, PartitionLog log, long spanStart, Executor encoder) {
    this.storage = storage;
    this.options = options;
    this.log = log;
    this.encoder = encoder;
    this.keys = SegmentKeys.of(storage, options.keyWrapper());
    this.spanStart = spanStart;
    this.provenPosition = spanStart;
    this.newestCommittedTimestamp = log.state().current().maxTimestamp();
  }

  /** The largest record timestamp committed to the current incarnation, {@code -1} if none: the recovery point. */
  long newestCommittedTimestamp() {
    return newestCommittedTimestamp;
  }

  SourcePartition partition() {
    return log.partition();
  }

  /** Where the uncommitted span starts: the position a restart would resume from. */
  long spanStart() {
    return spanStart;
  }

  /** The topic id of the incarnation this partition's backup continues (null when unknown). */
  String topicId() {
    return log.state().topicId();
  }

  /** A check found the topic's id unchanged while the consumer was at {@code position}. */
  void proven(long position) {
    provenPosition = Math.max(provenPosition, position);
  }

  /** Whether committing up to {@code position} needs the topic's id checked first. */
  boolean unproven(long position) {
    return position > provenPosition;
  }

  /**
   * The topic changed: commits the part of the span proven to come from the old topic, which is all of
   * it unless records were read after the last check that found the old id.
   *
   * @return the offsets read but not kept ({@code [from, to)}), or null when everything read was kept
   * @throws StorageException or {@link UncheckedIOException} as {@link #commit}
   */
  OffsetRange closeProven() {
    if (lastAppended < provenPosition) {
      commit(provenPosition);
      return null;
    }
    OffsetRange dropped = new OffsetRange(spanStart, lastAppended + 1);
    discard();
    return dropped;
  }

  /**
   * Starts the backup of a new incarnation of the topic (created again with a new id) at its log start.
   *
   * @param topicId the new topic id
   * @param startOffset the new log's start offset
   */
  void startIncarnation(String topicId, long startOffset) {
    discard();
    log.startIncarnation(topicId, startOffset);
    spanStart = startOffset;
    provenPosition = startOffset;
    newestCommittedTimestamp = -1;
  }

  void append(List<ConsumerRecord<byte[], byte[]>> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      append(KafkaRecords.toBackup(record));
    }
  }

  /**
   * Appends one record to the open segment (opening one if none is), in offset order.
   *
   * @throws UncheckedIOException if the segment could not be written; the caller then discards the span
   */
  void append(BackupRecord record) {
    try {
      if (segment == null) {
        open(record.offset());
      }
      segment.append(record);
      lastAppended = record.offset();
    } catch (IOException e) {
      throw new UncheckedIOException("writing segment '" + segmentKey + "' failed: " + e.getMessage(), e);
    }
  }

  /** The offset after the last record appended to the open span, or its start when none was. */
  long nextToAppend() {
    return lastAppended < 0 ? spanStart : lastAppended + 1;
  }

  /** Notes offsets that were lost before they could be read (retention moved the log start). */
  void skip(long from, long to) {
    if (to > from) {
      skipped.add(new OffsetRange(from, to));
    }
  }

  /** How many more records the open segment (or a new one) takes before it reaches the record limit. */
  long recordsBeforeFull() {
    return options.segmentMaxRecords() - (segment == null ? 0 : segment.recordCount());
  }

  boolean due(long nowNanos) {
    return segment != null && (segment.estimatedBytes() >= options.segmentMaxBytes()
        || segment.recordCount() >= options.segmentMaxRecords()
        || nowNanos - openedAtNanos >= options.segmentMaxAge().toNanos());
  }

  /**
   * Makes the span {@code [spanStart, nextOffset)} part of the backup: finishes and closes the segment,
   * then appends the commit naming it (retrying a commit whose outcome is unknown with the same
   * content).
   *
   * @param nextOffset the consumer's position: every offset before it was read (or is absent)
   * @return the segment committed, or null when the span held no record
   * @throws StorageException or {@link UncheckedIOException} if the segment could not be stored; the
   *     caller then calls {@link #rollBack()}
   */
  SegmentEntry commit(long nextOffset) {
    if (nextOffset <= spanStart && segment == null) {
      return null;
    }
    SegmentEntry entry = null;
    if (segment != null) {
      SegmentSummary summary;
      try {
        summary = segment.finish();
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("storing segment '" + segmentKey + "' failed: " + e.getMessage(), e);
      }
      entry = SegmentEntry.of(segmentKey.value(), spanStart, nextOffset, summary);
    }
    appendCommit(nextOffset, entry);
    if (entry != null) {
      newestCommittedTimestamp = Math.max(newestCommittedTimestamp, entry.maxTimestamp());
    }
    if (entry != null) {
      LOG.debug("backup {} partition {}: committed {} records [{}, {}) in {}", options.backupId(), partition(),
          entry.recordCount(), spanStart, nextOffset, segmentKey);
    }
    spanStart = nextOffset;
    provenPosition = Math.max(provenPosition, nextOffset);
    segment = null; // finished and closed: nothing to abort
    out = null;
    clearSpan();
    return entry;
  }

  private void appendCommit(long nextOffset, SegmentEntry entry) {
    for (int attempt = 1; ; attempt++) {
      try {
        log.commit(spanStart, nextOffset, entry, skipped);
        return;
      } catch (StorageException e) {
        if (attempt >= COMMIT_ATTEMPTS || !e.isRetryable()) {
          throw e;
        }
        LOG.warn("backup {} partition {}: commit attempt {} failed, retrying: {}", options.backupId(), partition(),
            attempt, e.getMessage());
      }
    }
  }

  /**
   * Drops the uncommitted span after a failure and re-reads the log, so the caller can seek back to
   * what is really committed. A segment already stored becomes an orphan (prune removes it).
   *
   * @return the committed position to read from again
   */
  long rollBack() {
    discard();
    long committed = log.reload().nextOffset();
    if (committed >= 0) {
      spanStart = committed;
    }
    provenPosition = spanStart;
    return spanStart;
  }

  /**
   * Drops the open span (the partition was lost to another instance, or its topic changed): its segment
   * is aborted and nothing of it is committed.
   */
  void discard() {
    clearSpan();
    // Offsets beyond the span's start are read again, perhaps from a topic created again meanwhile.
    provenPosition = spanStart;
  }

  private void clearSpan() {
    abortSegment();
    segment = null;
    out = null;
    segmentKey = null;
    lastAppended = -1;
    skipped.clear();
  }

  /** Stops the segment's encoding, then aborts its object: nothing of it becomes visible. */
  private void abortSegment() {
    if (segment != null) {
      segment.abandon();
    }
    if (out != null) {
      out.abort();
    }
  }

  private void open(long firstOffset) throws IOException {
    String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    segmentKey = BackupLayout.segment(options.backupId(), partition(), firstOffset, unique);
    // An encrypted segment's key object goes first: no committed segment ever lacks its key.
    DataKey dataKey = keys == null ? null : keys.create(segmentKey);
    out = storage.openWriter(segmentKey, PutOptions.createOnly());
    segment = new SegmentWriter(out, options.codec(), options.compressionLevel(), options.blockBytes(), encoder,
        dataKey);
    openedAtNanos = System.nanoTime();
  }
}
