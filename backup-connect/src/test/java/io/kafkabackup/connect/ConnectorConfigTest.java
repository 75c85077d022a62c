package io.kafkabackup.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.format.TimestampKind;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.ExistingDataPolicy;
import io.kafkabackup.backup.kafka.PartitionMapping;
import io.kafkabackup.backup.kafka.RestoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connectors' settings, checked and translated without a cluster. */
class ConnectorConfigTest {
  private static final String BYTES = KafkaBackupSinkConnector.BYTE_ARRAY_CONVERTER;
  @TempDir
  Path dir;

  private Map<String, String> sink() {
    Map<String, String> c = new HashMap<>();
    c.put("name", "nightly-backup");
    c.put("connector.class", KafkaBackupSinkConnector.class.getName());
    c.put("topics", "orders, payments");
    c.put("key.converter", BYTES);
    c.put("value.converter", BYTES);
    c.put("header.converter", BYTES);
    c.put("consumer.override.isolation.level", "read_committed");
    c.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    c.put("backup.id", "nightly");
    c.put("storage.backend", "filesystem");
    c.put("storage.filesystem.root", dir.toString());
    return c;
  }

  private static Map<String, List<String>> errors(List<ConfigValue> values) {
    return values.stream().filter(v -> !v.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  @Test
  void theSinkSettingsBecomeTheEngineOptions() {
    Map<String, String> c = sink();
    c.put("backup.segment-max-bytes", "8MiB");
    c.put("backup.segment-max-records", "1000");
    c.put("backup.segment-max-age", "30s");
    c.put("backup.retention-age", "7d");
    c.put("backup.compression", "lz4");
    c.put("kafka.security.protocol", "SASL_SSL");
    BackupOptions options = BackupSinkConfig.options(c);
    assertEquals("nightly", options.backupId());
    assertEquals(List.of("orders", "payments"), options.topics().names());
    assertEquals(8L * 1024 * 1024, options.segmentMaxBytes());
    assertEquals(1000, options.segmentMaxRecords());
    assertEquals(Duration.ofSeconds(30), options.segmentMaxAge());
    assertEquals(Duration.ofDays(7), options.logPolicy().retentionAge());
    assertEquals(Codec.LZ4, options.codec());
    assertEquals("SASL_SSL", options.kafka().get("security.protocol"));
    assertEquals("127.0.0.1:9092", options.kafka().get("bootstrap.servers"));

    BackupOptions defaults = BackupSinkConfig.options(sink());
    assertEquals(64L * 1024 * 1024, defaults.segmentMaxBytes());
    assertEquals(Duration.ofMinutes(5), defaults.segmentMaxAge());
    assertNull(defaults.logPolicy().retentionAge());
  }

  @Test
  void aValueThatCannotBeUsedIsNamedByItsKey() {
    Map<String, String> c = sink();
    c.put("backup.segment-max-age", "soon");
    ConfigException e = assertThrows(ConfigException.class, () -> BackupSinkConfig.options(c));
    assertTrue(e.getMessage().contains("backup.segment-max-age"), e.getMessage());
    Map<String, String> zero = sink();
    zero.put("backup.retention-age", "0s");
    e = assertThrows(ConfigException.class, () -> BackupSinkConfig.options(zero));
    assertTrue(e.getMessage().contains("backup.retention-age"), e.getMessage());
  }

  @Test
  void validationNamesEveryFrameworkSettingThatWouldChangeTheRecords() {
    Map<String, String> c = sink();
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.remove("header.converter");
    c.put("transforms", "route");
    c.put("errors.tolerance", "all");
    c.put("consumer.override.isolation.level", "read_uncommitted");
    Map<String, List<String>> errors = errors(new KafkaBackupSinkConnector().validate(c).configValues());
    assertEquals(Set.of("value.converter", "header.converter", "transforms", "errors.tolerance",
        "consumer.override.isolation.level"), errors.keySet());
    assertTrue(errors.get("header.converter").get(0).contains("not set"), errors.toString());
  }

  @Test
  void validationOpensTheStorageAndNamesAnUnknownKey() {
    Map<String, String> c = sink();
    c.put("storage.filesystem.rooot", "/tmp");
    Map<String, List<String>> errors = errors(new KafkaBackupSinkConnector().validate(c).configValues());
    assertTrue(errors.toString().contains("storage.filesystem.rooot"), errors.toString());
    assertTrue(errors(new KafkaBackupSinkConnector().validate(sink()).configValues()).isEmpty());
  }

  @Test
  void secretsOfEveryProviderAreDeclaredAsPasswords() {
    ConfigDef def = new KafkaBackupSinkConnector().config();
    assertEquals(ConfigDef.Type.PASSWORD, def.configKeys().get("kafka.sasl.jaas.config").type);
    assertEquals(ConfigDef.Type.STRING, def.configKeys().get("storage.filesystem.root").type);
    Map<String, String> c = sink();
    c.put("kafka.sasl.jaas.config", "secret-jaas");
    assertTrue(!def.parse(c).get("kafka.sasl.jaas.config").toString().contains("secret-jaas"),
        "masked in the parsed form Connect logs");
    assertEquals("secret-jaas", ConnectorSettings.kafkaClient(c).get("sasl.jaas.config"));
  }

  @Test
  void theRestoreSettingsBecomeTheEngineOptions() {
    Map<String, String> c = new HashMap<>();
    c.put("name", "dr-restore");
    c.put("restore.backup-id", "nightly");
    c.put("restore.topics", "orders,payments");
    c.put("restore.rename", "orders:orders-dr");
    c.put("restore.partitions", "0,2");
    c.put("restore.to-time", "2026-12-01T08:00:00Z");
    c.put("restore.partition-mapping", "key-hash");
    c.put("restore.target-partitions", "6");
    c.put("restore.on-existing-data", "append");
    c.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    c.put("storage.backend", "filesystem");
    RestoreOptions options = RestoreSourceConfig.options(c);
    assertEquals("dr-restore", options.restoreId());
    assertEquals("orders-dr", options.targetTopic("orders"));
    assertEquals("payments", options.targetTopic("payments"));
    assertEquals(Set.of(0, 2), options.partitions());
    assertEquals(Instant.parse("2026-12-01T08:00:00Z").toEpochMilli(), options.toTimestamp());
    assertEquals(PartitionMapping.KEY_HASH, options.partitionMapping());
    assertEquals(6, options.targetPartitions());
    assertEquals(ExistingDataPolicy.APPEND, options.onExistingData());

    c.put("restore.rename", "orders");
    ConfigException e = assertThrows(ConfigException.class, () -> RestoreSourceConfig.options(c));
    assertTrue(e.getMessage().contains("restore.rename"), e.getMessage());
    c.put("restore.rename", "orders:x");
    c.put("restore.to-time", "yesterday");
    e = assertThrows(ConfigException.class, () -> RestoreSourceConfig.options(c));
    assertTrue(e.getMessage().contains("restore.to-time"), e.getMessage());
  }

  @Test
  void theRestoreIsRefusedWithoutExactlyOnceOrWithPollBoundaries() {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", KafkaBackupSourceConnector.class.getName());
    c.put("key.converter", BYTES);
    c.put("value.converter", BYTES);
    c.put("header.converter", BYTES);
    c.put("transaction.boundary", "poll");
    c.put("restore.backup-id", "nightly");
    c.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    c.put("storage.backend", "filesystem");
    c.put("storage.filesystem.root", dir.toString());
    Map<String, List<String>> errors = errors(new KafkaBackupSourceConnector().validate(c).configValues());
    assertEquals(Set.of("exactly.once.support", "transaction.boundary"), errors.keySet());
  }

  @Test
  void aSinkRecordIsStoredByteForByte() {
    ConnectHeaders headers = new ConnectHeaders();
    headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA);
    headers.add("trace", new byte[0], Schema.OPTIONAL_BYTES_SCHEMA);
    headers.add("nullable", null, Schema.OPTIONAL_BYTES_SCHEMA);
    SinkRecord record = new SinkRecord("orders", 3, Schema.OPTIONAL_BYTES_SCHEMA, null, Schema.OPTIONAL_BYTES_SCHEMA,
        new byte[0], 42, 1_700_000_000_000L, TimestampType.LOG_APPEND_TIME, headers);
    BackupRecord stored = KafkaBackupSinkTask.toBackup(record);
    assertEquals(42, stored.offset());
    assertEquals(1_700_000_000_000L, stored.timestamp());
    assertEquals(TimestampKind.LOG_APPEND_TIME, stored.timestampKind());
    assertNull(stored.key());
    assertArrayEquals(new byte[0], stored.value());
    assertEquals(3, stored.headers().size());
    assertArrayEquals(new byte[0], stored.headers().get(1).value());
    assertNull(stored.headers().get(2).value());

    SinkRecord converted = new SinkRecord("orders", 3, Schema.STRING_SCHEMA, "k", Schema.OPTIONAL_BYTES_SCHEMA,
        null, 43);
    ConnectException e = assertThrows(ConnectException.class, () -> KafkaBackupSinkTask.toBackup(converted));
    assertTrue(e.getMessage().contains("orders-3@43") && e.getMessage().contains("key.converter"), e.getMessage());
  }
}
