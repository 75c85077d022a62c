package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.DataKeys;
import io.kafkabackup.backup.format.SegmentReader;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.log.SegmentFilter;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The records a restore produces for one source partition, from a restore position on: the selected
 * records of each committed segment of the chosen incarnation, in offset order, each with its target
 * partition. Shared by {@link RestoreJob} and Kafka Connect's source task, so both select, map and
 * verify alike.
 *
 * <p>A segment's last selected record is handed out only once the segment has been read to its end and
 * its footer and SHA-256 checked ({@link Item#endsSegment()}); a corrupt segment throws
 * {@link io.kafkabackup.backup.format.CorruptSegmentException} before that, so a caller that commits
 * its transaction only at segment ends never commits a record of a corrupt segment.
 *
 * <p>Not thread-safe. Close it to release the open segment.
 */
public final class PartitionReplay implements Iterator<PartitionReplay.Item>, AutoCloseable {

  /**
   * One record to produce.
   *
   * @param record the backed-up record
   * @param targetPartition the partition of the target topic it goes to
   * @param segment the key of the segment it comes from
   * @param segmentEnd the offset after that segment's span: the restore position once the segment is done
   * @param endsSegment whether it is the segment's last selected record (the segment is then verified)
   */
  public record Item(BackupRecord record, int targetPartition, String segment, long segmentEnd,
      boolean endsSegment) {
  }

  private final StorageBackend storage;
  /** Resolves encrypted segments' data keys; null without a key-encryption key. */
  private final DataKeys keys;
  private final RestoreOptions options;
  private final SourcePartition source;
  private final int targetPartitions;
  private final long position;
  private final Stream<SegmentEntry> stream;
  private final Iterator<SegmentEntry> segments;
  private SegmentEntry segment;
  private SegmentReader reader;
  private BackupRecord ahead;
  private Item next;

  PartitionReplay(StorageBackend storage, RestoreOptions options, SourcePartition source, Incarnation incarnation,
      int targetPartitions, long position) {
    this.storage = storage;
    this.options = options;
    this.keys = SegmentKeys.of(storage, options.keyWrapper());
    this.source = source;
    this.targetPartitions = targetPartitions;
    this.position = position;
    SegmentFilter filter = options.segmentFilter();
    // From the restore position on: manifests wholly before it are not even opened.
    SegmentFilter remaining = new SegmentFilter(Math.max(filter.fromOffset(), position), filter.toOffset(),
        filter.fromTimestamp(), filter.toTimestamp());
    this.stream = PartitionHistory.segments(storage, incarnation, remaining);
    this.segments = stream.iterator();
  }

  /**
   * Opens the replay of a source partition from {@code position}, reading its commit log for the
   * incarnation the options select.
   *
   * @param storage where the backup is
   * @param options what is restored and how records are mapped
   * @param source the source partition
   * @param targetPartitions the target topic's partition count
   * @param position the restore position: records before it are not produced again
   * @return the replay
   */
  public static PartitionReplay open(StorageBackend storage, RestoreOptions options, SourcePartition source,
      int targetPartitions, long position) {
    Incarnation incarnation = RestoreSelection.incarnation(options, source,
        PartitionLog.read(storage, options.backupId(), source));
    return new PartitionReplay(storage, options, source, incarnation, targetPartitions, position);
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = fetch();
    }
    return next != null;
  }

  @Override
  public Item next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Item item = next;
    next = null;
    return item;
  }

  private Item fetch() {
    while (true) {
      if (reader == null) {
        if (!segments.hasNext()) {
          return null;
        }
        segment = segments.next();
        if (segment.nextOffset() <= position) {
          continue;
        }
        reader = SegmentReader.open(segment.key(), storage.openStream(ObjectKey.of(segment.key())), segment.sha256(),
            keys);
        ahead = nextSelected();
        if (ahead == null) {
          closeReader(); // nothing selected in it, and it checked out
          continue;
        }
      }
      BackupRecord current = ahead;
      ahead = nextSelected(); // false only after the footer and the SHA-256 checked out
      boolean last = ahead == null;
      Item item = new Item(current, options.partitionMapping().targetPartition(current, source.partition(),
          targetPartitions), segment.key(), segment.nextOffset(), last);
      if (last) {
        closeReader();
      }
      return item;
    }
  }

  private BackupRecord nextSelected() {
    while (reader.hasNext()) {
      BackupRecord record = reader.next();
      if (record.offset() >= position && options.selects(record)) {
        return record;
      }
    }
    return null;
  }

  private void closeReader() {
    reader.close();
    reader = null;
  }

  @Override
  public void close() {
    if (reader != null) {
      closeReader();
    }
    stream.close();
  }
}
