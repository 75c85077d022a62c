package io.kafkabackup.connect;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.RecordHeader;
import io.kafkabackup.backup.format.TimestampKind;
import io.kafkabackup.backup.kafka.BackupSink;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * One task of {@link KafkaBackupSinkConnector}: hands the records Connect delivers to the backup engine
 * ({@link BackupSink}) and lets Connect commit only what the commit log holds.
 */
public final class KafkaBackupSinkTask extends SinkTask {
  private StorageBackend storage;
  private KeyWrapper kek;
  private BackupSink sink;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    storage = ConnectorSettings.openStorage(props);
    try {
      kek = ConnectorSettings.openKeyWrapper(props);
      sink = new BackupSink(storage, BackupSinkConfig.options(props, kek), new BackupSink.Control() {
        @Override
        public void rewind(TopicPartition tp, long offset) {
          context.offset(tp, offset);
        }

        @Override
        public void pause(TopicPartition tp) {
          context.pause(tp);
        }

        @Override
        public void resume(TopicPartition tp) {
          context.resume(tp);
        }
      });
    } catch (RuntimeException e) {
      if (kek != null) {
        kek.close();
      }
      storage.close();
      throw e;
    }
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    sink.open(partitions);
  }

  /**
   * Hands the records over partition by partition, in the order they came. A consumer's batch holds each
   * partition's records together, so a run ends only where the partition changes.
   */
  @Override
  public void put(Collection<SinkRecord> records) {
    TopicPartition tp = null;
    List<BackupRecord> run = new ArrayList<>();
    for (SinkRecord record : records) {
      String topic = record.originalTopic();
      int partition = record.originalKafkaPartition();
      if (tp == null || tp.partition() != partition || !tp.topic().equals(topic)) {
        if (tp != null) {
          sink.put(tp, run);
          run = new ArrayList<>();
        }
        tp = new TopicPartition(topic, partition);
      }
      run.add(toBackup(record));
    }
    if (tp != null) {
      sink.put(tp, run);
    }
    sink.commitDue();
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    sink.commitDue();
    Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
    sink.committed().forEach((tp, offset) -> durable.put(tp, new OffsetAndMetadata(offset)));
    return durable;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    sink.close(partitions);
  }

  @Override
  public void stop() {
    try {
      if (sink != null) {
        sink.close();
      }
    } finally {
      if (kek != null) {
        kek.close();
      }
      if (storage != null) {
        storage.close();
      }
    }
  }

  /** The record as Kafka holds it: the converters are ByteArrayConverter, so every part is bytes or null. */
  static BackupRecord toBackup(SinkRecord record) {
    List<RecordHeader> headers = record.headers().isEmpty() ? List.of() : new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new RecordHeader(header.key(), bytes(record, "header '" + header.key() + "'", header.value())));
    }
    TimestampKind kind = record.timestampType() == TimestampType.CREATE_TIME ? TimestampKind.CREATE_TIME
        : record.timestampType() == TimestampType.LOG_APPEND_TIME ? TimestampKind.LOG_APPEND_TIME
        : TimestampKind.NONE;
    long timestamp = record.timestamp() == null ? -1 : record.timestamp();
    return new BackupRecord(record.originalKafkaOffset(), timestamp, kind, bytes(record, "key", record.key()),
        bytes(record, "value", record.value()), headers);
  }

  private static byte[] bytes(SinkRecord record, String part, Object value) {
    if (value == null || value instanceof byte[]) {
      return (byte[]) value;
    }
    throw new ConnectException("record " + record.originalTopic() + "-" + record.originalKafkaPartition() + "@"
        + record.originalKafkaOffset() + ": its " + part + " is a " + value.getClass().getSimpleName()
        + ", not bytes: set key.converter, value.converter and header.converter to "
        + KafkaBackupSinkConnector.BYTE_ARRAY_CONVERTER);
  }
}
