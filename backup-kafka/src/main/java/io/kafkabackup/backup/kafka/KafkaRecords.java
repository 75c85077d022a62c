package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.RecordHeader;
import io.kafkabackup.backup.format.TimestampKind;
import io.kafkabackup.backup.layout.SourcePartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Conversions between Kafka's client types and the backup format's. */
final class KafkaRecords {
  private KafkaRecords() {
  }

  static BackupRecord toBackup(ConsumerRecord<byte[], byte[]> record) {
    List<RecordHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(new RecordHeader(header.key(), header.value()));
    }
    return new BackupRecord(record.offset(), record.timestamp(), kind(record.timestampType()), record.key(),
        record.value(), headers);
  }

  static RecordHeaders headers(BackupRecord record) {
    RecordHeaders headers = new RecordHeaders();
    for (RecordHeader header : record.headers()) {
      headers.add(header.key(), header.value());
    }
    return headers;
  }

  static TimestampKind kind(TimestampType type) {
    switch (type) {
      case CREATE_TIME:
        return TimestampKind.CREATE_TIME;
      case LOG_APPEND_TIME:
        return TimestampKind.LOG_APPEND_TIME;
      default:
        return TimestampKind.NONE;
    }
  }

  static SourcePartition source(TopicPartition tp) {
    return new SourcePartition(tp.topic(), tp.partition());
  }
}
