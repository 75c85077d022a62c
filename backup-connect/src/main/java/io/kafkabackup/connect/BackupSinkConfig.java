package io.kafkabackup.connect;

import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.SecurityScope;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.log.LogPolicy;
import io.kafkabackup.storage.KeyWrapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * The sink connector's own settings — the CLI's {@code backup:} keys under {@code backup.} — and their
 * translation into the {@link BackupOptions} every entry point shares.
 */
final class BackupSinkConfig {
  static final String BACKUP_ID = "backup.id";
  static final String COMPRESSION = "backup.compression";
  static final String COMPRESSION_LEVEL = "backup.compression-level";
  static final String SEGMENT_MAX_BYTES = "backup.segment-max-bytes";
  static final String SEGMENT_MAX_RECORDS = "backup.segment-max-records";
  static final String SEGMENT_MAX_AGE = "backup.segment-max-age";
  static final String RETENTION_AGE = "backup.retention-age";
  static final String RETENTION_BYTES = "backup.retention-bytes";
  static final String RETENTION_DELETE_DELAY = "backup.retention-delete-delay";
  static final String CHECKPOINT_INTERVAL = "backup.checkpoint-interval";
  static final String GROUP_SNAPSHOT_INTERVAL = "backup.group-snapshot-interval";
  static final String SECURITY = "backup.security";
  private static final String GROUP = "Backup";

  static final ConfigDef DEFINITION = ConnectorSettings.define(new ConfigDef()
      .define(BACKUP_ID, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
          "The backup id: every task of the connector writes into it; a backup id the CLI writes to can be "
              + "continued here and the other way round.", GROUP, 1, ConfigDef.Width.MEDIUM, BACKUP_ID)
      .define(COMPRESSION, ConfigDef.Type.STRING, "zstd", choice(Codec.class), ConfigDef.Importance.MEDIUM,
          "zstd, lz4 or none.", GROUP, 2, ConfigDef.Width.SHORT, COMPRESSION)
      .define(COMPRESSION_LEVEL, ConfigDef.Type.INT, Codec.DEFAULT_ZSTD_LEVEL, ConfigDef.Importance.LOW,
          "The zstd level.", GROUP, 3, ConfigDef.Width.SHORT, COMPRESSION_LEVEL)
      .define(SEGMENT_MAX_BYTES, ConfigDef.Type.STRING, "64MiB", ConnectorSettings.sizeValidator(),
          ConfigDef.Importance.MEDIUM, "A segment is committed once it holds this much (compressed).", GROUP, 4,
          ConfigDef.Width.SHORT, SEGMENT_MAX_BYTES)
      .define(SEGMENT_MAX_RECORDS, ConfigDef.Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(1),
          ConfigDef.Importance.LOW, "A segment is committed once it holds this many records.", GROUP, 5,
          ConfigDef.Width.SHORT, SEGMENT_MAX_RECORDS)
      .define(SEGMENT_MAX_AGE, ConfigDef.Type.STRING, "5m", ConnectorSettings.durationValidator(),
          ConfigDef.Importance.MEDIUM, "A segment is committed once it has been open this long: the recovery "
              + "point objective.", GROUP, 6, ConfigDef.Width.SHORT, SEGMENT_MAX_AGE)
      .define(RETENTION_AGE, ConfigDef.Type.STRING, null, ConnectorSettings.durationValidator(),
          ConfigDef.Importance.MEDIUM, "History older than this is dropped (unset: kept).", GROUP, 7,
          ConfigDef.Width.SHORT, RETENTION_AGE)
      .define(RETENTION_BYTES, ConfigDef.Type.STRING, null, ConnectorSettings.sizeValidator(),
          ConfigDef.Importance.LOW, "History beyond this size per partition is dropped (unset: kept).", GROUP, 8,
          ConfigDef.Width.SHORT, RETENTION_BYTES)
      .define(RETENTION_DELETE_DELAY, ConfigDef.Type.STRING, "1h", ConnectorSettings.durationValidator(),
          ConfigDef.Importance.LOW, "How long dropped history stays readable before it is deleted.", GROUP, 9,
          ConfigDef.Width.SHORT, RETENTION_DELETE_DELAY)
      .define(CHECKPOINT_INTERVAL, ConfigDef.Type.INT, LogPolicy.DEFAULT_CHECKPOINT_INTERVAL,
          ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW, "Commits between two checkpoints of a "
              + "partition's commit log.", GROUP, 10, ConfigDef.Width.SHORT, CHECKPOINT_INTERVAL)
      .define(GROUP_SNAPSHOT_INTERVAL, ConfigDef.Type.STRING, "5m", ConnectorSettings.durationValidator(),
          ConfigDef.Importance.LOW, "How often the consumer groups' committed offsets are stored.", GROUP, 11,
          ConfigDef.Width.SHORT, GROUP_SNAPSHOT_INTERVAL)
      .define(SECURITY, ConfigDef.Type.STRING, "topics", choice(SecurityScope.class), ConfigDef.Importance.LOW,
          "Which ACLs are stored: topics, cluster or none.", GROUP, 12, ConfigDef.Width.SHORT, SECURITY));

  private BackupSinkConfig() {
  }

  /**
   * The backup options a connector configuration gives.
   *
   * @throws ConfigException naming the key of a value that cannot be used
   */
  static BackupOptions options(Map<String, String> props) {
    return options(props, null);
  }

  /**
   * The backup options, encrypting new segments under {@code kek} (null: not encrypted).
   *
   * @throws ConfigException naming the key of a value that cannot be used
   */
  static BackupOptions options(Map<String, String> props, KeyWrapper kek) {
    Map<String, Object> parsed = DEFINITION.parse(props);
    String topics = props.get(SinkTask.TOPICS_CONFIG);
    String regex = props.get(SinkTask.TOPICS_REGEX_CONFIG);
    List<String> names = topics == null || topics.isBlank() ? List.of()
        : Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toList());
    TopicSelection selection = TopicSelection.parse(names, regex == null || regex.isBlank() ? null : regex, null);
    Map<String, String> values = ConnectorSettings.withDefaults(DEFINITION, props);
    Duration age = ConnectorSettings.duration(values, RETENTION_AGE, null);
    if (age != null && (age.isZero() || age.isNegative())) {
      throw new ConfigException(RETENTION_AGE, props.get(RETENTION_AGE), "must be longer than 0 (leave it out to "
          + "keep history of any age)");
    }
    LogPolicy policy = new LogPolicy((Integer) parsed.get(CHECKPOINT_INTERVAL), age,
        ConnectorSettings.size(values, RETENTION_BYTES, null),
        ConnectorSettings.duration(values, RETENTION_DELETE_DELAY, null));
    try {
      return BackupOptions.builder((String) parsed.get(BACKUP_ID), selection)
          .mode(BackupMode.CONTINUOUS)
          .compression(Codec.named((String) parsed.get(COMPRESSION)), (Integer) parsed.get(COMPRESSION_LEVEL))
          .segmentLimits(ConnectorSettings.size(values, SEGMENT_MAX_BYTES, null), (Long) parsed.get(SEGMENT_MAX_RECORDS),
              ConnectorSettings.duration(values, SEGMENT_MAX_AGE, null))
          .groupSnapshotInterval(ConnectorSettings.duration(values, GROUP_SNAPSHOT_INTERVAL, null))
          .securityScope(SecurityScope.valueOf(((String) parsed.get(SECURITY)).toUpperCase(Locale.ROOT)))
          .logPolicy(policy)
          .kafka(ConnectorSettings.kafkaClient(props))
          .encryption(kek)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** A validator accepting an enum's constants in lower case ({@code key-hash} for {@code KEY_HASH}). */
  static <E extends Enum<E>> ConfigDef.Validator choice(Class<E> type) {
    String[] names = Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toArray(String[]::new);
    return ConfigDef.ValidString.in(names);
  }
}
