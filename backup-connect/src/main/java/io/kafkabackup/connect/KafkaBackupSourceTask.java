package io.kafkabackup.connect;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.RecordHeader;
import io.kafkabackup.backup.kafka.PartitionReplay;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of {@link KafkaBackupSourceConnector}: replays its source partitions one after the other,
 * each from the restore position Connect committed for it, and ends a transaction at each verified
 * segment end (the source offset then names the position after that segment).
 */
public final class KafkaBackupSourceTask extends SourceTask {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackupSourceTask.class);
  static final String POSITION = "position";

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Deque<Share> pending = new ArrayDeque<>();
  private StorageBackend storage;
  private RestoreOptions options;
  /** Unwraps encrypted segments' data keys; null when encryption is not configured. */
  private KeyWrapper kek;
  private int pollRecords;
  private Share current;
  private PartitionReplay replay;
  private boolean reportedDone;

  /** A source partition this task restores, with its target topic's partition count. */
  private record Share(SourcePartition source, int targetPartitions) {
  }

  /**
   * The source partition key of Connect's offsets for one backed-up partition, the same bytes in every
   * JVM.
   *
   * @param backupId the backup
   * @param source the backed-up partition
   * @return the key
   */
  static Map<String, Object> sourcePartition(String backupId, SourcePartition source) {
    // Insertion-ordered: Connect finds offsets by the key's serialized bytes, and Map.of's iteration order
    // differs from one JVM to the next, so a task moved to another worker would not find its position.
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("backup", backupId);
    key.put("topic", source.topic());
    key.put("partition", source.partition());
    return key;
  }

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    kek = ConnectorSettings.openKeyWrapper(props);
    options = RestoreSourceConfig.options(props, kek);
    pollRecords = (Integer) RestoreSourceConfig.DEFINITION.parse(props).get(RestoreSourceConfig.POLL_RECORDS);
    for (String entry : props.getOrDefault(RestoreSourceConfig.TASK_PARTITIONS, "").split(",")) {
      if (!entry.isBlank()) {
        String[] parts = entry.split(":");
        pending.add(new Share(new SourcePartition(parts[0], Integer.parseInt(parts[1])), Integer.parseInt(parts[2])));
      }
    }
    storage = ConnectorSettings.openStorage(props);
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    synchronized (this) {
      if (stopped.getCount() == 0) {
        return null; // stop() closed the storage
      }
      if (openNext()) {
        return pollBatch();
      }
    }
    if (!reportedDone) {
      reportedDone = true;
      LOG.info("restore {}: this task's partitions are restored", options.restoreId());
    }
    stopped.await(1, TimeUnit.SECONDS); // nothing left: Connect polls again, and stop() ends the wait
    return null;
  }

  /** Up to {@code restore.poll-records} records of the current partition, ending at a segment end if one is met. */
  private List<SourceRecord> pollBatch() {
    List<SourceRecord> batch = new ArrayList<>();
    TransactionContext transactions = context.transactionContext();
    try {
      while (batch.size() < pollRecords && replay.hasNext()) {
        PartitionReplay.Item item = replay.next();
        SourceRecord record = toSource(item);
        batch.add(record);
        if (item.endsSegment()) {
          if (transactions != null) {
            transactions.commitTransaction(record);
          }
          break;
        }
      }
      if (!replay.hasNext()) {
        LOG.info("restore {}: {} restored", options.restoreId(), current.source());
        closeReplay();
        current = null;
      }
    } catch (RuntimeException e) {
      if (transactions != null) {
        transactions.abortTransaction();
      }
      closeReplay();
      // What this partition produced since its last verified segment end is aborted with the transaction.
      throw new ConnectException("restore " + options.restoreId() + " of " + current.source() + " failed: "
          + e.getMessage(), e);
    }
    return batch;
  }

  /** Opens the next partition's replay from its committed position; false when every one is done. */
  private boolean openNext() {
    while (replay == null) {
      if (current == null) {
        current = pending.poll();
        if (current == null) {
          return false;
        }
      }
      Map<String, Object> offset = context.offsetStorageReader().offset(sourcePartition(options.backupId(),
          current.source()));
      long position = offset == null ? 0 : ((Number) offset.get(POSITION)).longValue();
      replay = PartitionReplay.open(storage, options, current.source(), current.targetPartitions(), position);
      if (!replay.hasNext()) {
        closeReplay();
        current = null;
      }
    }
    return true;
  }

  private SourceRecord toSource(PartitionReplay.Item item) {
    BackupRecord record = item.record();
    ConnectHeaders headers = new ConnectHeaders();
    for (RecordHeader header : record.headers()) {
      headers.add(header.key(), new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, header.value()));
    }
    long next = item.endsSegment() ? item.segmentEnd() : record.offset() + 1;
    return new SourceRecord(sourcePartition(options.backupId(), current.source()), Map.of(POSITION, next),
        options.targetTopic(current.source().topic()), item.targetPartition(), Schema.OPTIONAL_BYTES_SCHEMA,
        record.key(), Schema.OPTIONAL_BYTES_SCHEMA, record.value(), record.timestamp() < 0 ? null : record.timestamp(),
        headers);
  }

  private void closeReplay() {
    if (replay != null) {
      replay.close();
      replay = null;
    }
  }

  /** Called on another thread than {@link #poll()}: waits for a batch being read, then closes. */
  @Override
  public void stop() {
    stopped.countDown();
    synchronized (this) {
      closeReplay();
      if (storage != null) {
        storage.close();
      }
      if (kek != null) {
        kek.close();
      }
    }
  }
}
