package io.kafkabackup.connect;

import io.kafkabackup.backup.kafka.ExistingDataPolicy;
import io.kafkabackup.backup.kafka.PartitionMapping;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.KeyWrapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The source connector's own settings — the CLI's {@code restore:} keys under {@code restore.} — and
 * their translation into the {@link RestoreOptions} every entry point shares.
 */
final class RestoreSourceConfig {
  static final String BACKUP_ID = "restore.backup-id";
  static final String TOPICS = "restore.topics";
  static final String INCLUDE = "restore.include";
  static final String EXCLUDE = "restore.exclude";
  static final String RENAME = "restore.rename";
  static final String PARTITIONS = "restore.partitions";
  static final String FROM_OFFSET = "restore.from-offset";
  static final String TO_OFFSET = "restore.to-offset";
  static final String FROM_TIME = "restore.from-time";
  static final String TO_TIME = "restore.to-time";
  static final String PARTITION_MAPPING = "restore.partition-mapping";
  static final String TARGET_PARTITIONS = "restore.target-partitions";
  static final String CREATE_TOPICS = "restore.create-topics";
  static final String ON_EXISTING_DATA = "restore.on-existing-data";
  static final String ALLOW_LOG_APPEND_TIME = "restore.allow-log-append-time";
  static final String POLL_RECORDS = "restore.poll-records";
  /** Set by the connector on each task: its source partitions, {@code topic:partition:targetPartitions,...}. */
  static final String TASK_PARTITIONS = "restore.task.partitions";
  private static final String GROUP = "Restore";

  static final ConfigDef DEFINITION = ConnectorSettings.define(new ConfigDef()
      .define(BACKUP_ID, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
          "The backup to restore.", GROUP, 1, ConfigDef.Width.MEDIUM, BACKUP_ID)
      .define(TOPICS, ConfigDef.Type.LIST, List.of(), ConfigDef.Importance.HIGH,
          "Topics to restore (empty with no include pattern: every topic of the backup).", GROUP, 2,
          ConfigDef.Width.LONG, TOPICS)
      .define(INCLUDE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM, "A regex of topics to restore.",
          GROUP, 3, ConfigDef.Width.MEDIUM, INCLUDE)
      .define(EXCLUDE, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW, "A regex of topics to leave out.",
          GROUP, 4, ConfigDef.Width.MEDIUM, EXCLUDE)
      .define(RENAME, ConfigDef.Type.LIST, List.of(), ConfigDef.Importance.MEDIUM,
          "source:target pairs: restore a topic under another name.", GROUP, 5, ConfigDef.Width.LONG, RENAME)
      .define(PARTITIONS, ConfigDef.Type.LIST, List.of(), ConfigDef.Importance.LOW,
          "Source partitions to restore (empty: all).", GROUP, 6, ConfigDef.Width.MEDIUM, PARTITIONS)
      .define(FROM_OFFSET, ConfigDef.Type.LONG, 0L, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW,
          "The first source offset restored.", GROUP, 7, ConfigDef.Width.SHORT, FROM_OFFSET)
      .define(TO_OFFSET, ConfigDef.Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW,
          "The source offset before which the restore stops.", GROUP, 8, ConfigDef.Width.SHORT, TO_OFFSET)
      .define(FROM_TIME, ConfigDef.Type.STRING, null, instant(), ConfigDef.Importance.LOW,
          "Records stamped before this ISO-8601 instant are left out.", GROUP, 9, ConfigDef.Width.MEDIUM, FROM_TIME)
      .define(TO_TIME, ConfigDef.Type.STRING, null, instant(), ConfigDef.Importance.MEDIUM,
          "Point in time: records stamped at or after this ISO-8601 instant are left out.", GROUP, 10,
          ConfigDef.Width.MEDIUM, TO_TIME)
      .define(PARTITION_MAPPING, ConfigDef.Type.STRING, "keep", BackupSinkConfig.choice(PartitionMapping.class),
          ConfigDef.Importance.MEDIUM, "keep (source partition n to n) or key-hash (Kafka's default partitioner "
              + "over the target's partitions).", GROUP, 11, ConfigDef.Width.SHORT, PARTITION_MAPPING)
      .define(TARGET_PARTITIONS, ConfigDef.Type.INT, null, ConfigDef.Importance.LOW,
          "Partitions of a target topic that is created (default: the backed-up count).", GROUP, 12,
          ConfigDef.Width.SHORT, TARGET_PARTITIONS)
      .define(CREATE_TOPICS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW,
          "Create missing target topics with the backed-up configs.", GROUP, 13, ConfigDef.Width.SHORT, CREATE_TOPICS)
      .define(ON_EXISTING_DATA, ConfigDef.Type.STRING, "fail", BackupSinkConfig.choice(ExistingDataPolicy.class),
          ConfigDef.Importance.MEDIUM, "A target that already holds records: fail, append or purge.", GROUP, 14,
          ConfigDef.Width.SHORT, ON_EXISTING_DATA)
      .define(ALLOW_LOG_APPEND_TIME, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
          "Allow a target whose timestamps the broker sets (the backed-up timestamps are then lost).", GROUP, 15,
          ConfigDef.Width.SHORT, ALLOW_LOG_APPEND_TIME)
      .define(POLL_RECORDS, ConfigDef.Type.INT, 2000, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
          "Records a task returns from one poll at most.", GROUP, 16, ConfigDef.Width.SHORT, POLL_RECORDS)
      .defineInternal(TASK_PARTITIONS, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW));

  private RestoreSourceConfig() {
  }

  /**
   * The restore options a connector configuration gives; the restore id is the connector's name.
   *
   * @throws ConfigException naming the key of a value that cannot be used
   */
  static RestoreOptions options(Map<String, String> props) {
    return options(props, null);
  }

  /**
   * The restore options, unwrapping encrypted segments' data keys with {@code kek} (null: none).
   *
   * @throws ConfigException naming the key of a value that cannot be used
   */
  static RestoreOptions options(Map<String, String> props, KeyWrapper kek) {
    Map<String, Object> parsed = DEFINITION.parse(props);
    @SuppressWarnings("unchecked")
    List<String> topics = (List<String>) parsed.get(TOPICS);
    String include = (String) parsed.get(INCLUDE);
    try {
      RestoreOptions.Builder b = RestoreOptions.builder((String) parsed.get(BACKUP_ID))
          .restoreId(props.getOrDefault("name", "connect"));
      if (!topics.isEmpty() || include != null) {
        b.topics(TopicSelection.parse(topics, include, (String) parsed.get(EXCLUDE)));
      }
      @SuppressWarnings("unchecked")
      List<String> renames = (List<String>) parsed.get(RENAME);
      for (String pair : renames) {
        String[] parts = pair.split(":");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
          throw new ConfigException(RENAME, pair, "expected source:target");
        }
        b.renameTopic(parts[0].trim(), parts[1].trim());
      }
      @SuppressWarnings("unchecked")
      List<String> partitions = (List<String>) parsed.get(PARTITIONS);
      if (!partitions.isEmpty()) {
        Set<Integer> numbers = new HashSet<>();
        for (String p : partitions) {
          try {
            numbers.add(Integer.parseInt(p.trim()));
          } catch (NumberFormatException e) {
            throw new ConfigException(PARTITIONS, p, "expected partition numbers");
          }
        }
        b.partitions(numbers);
      }
      b.offsets((Long) parsed.get(FROM_OFFSET), (Long) parsed.get(TO_OFFSET));
      String from = (String) parsed.get(FROM_TIME);
      String to = (String) parsed.get(TO_TIME);
      if (from != null || to != null) {
        b.timeWindow(from == null ? Long.MIN_VALUE : Instant.parse(from).toEpochMilli(),
            to == null ? Long.MAX_VALUE : Instant.parse(to).toEpochMilli());
      }
      b.partitionMapping(PartitionMapping.valueOf(enumName(parsed.get(PARTITION_MAPPING))),
          (Integer) parsed.get(TARGET_PARTITIONS));
      b.createTopics((Boolean) parsed.get(CREATE_TOPICS));
      b.onExistingData(ExistingDataPolicy.valueOf(enumName(parsed.get(ON_EXISTING_DATA))));
      b.allowLogAppendTime((Boolean) parsed.get(ALLOW_LOG_APPEND_TIME));
      b.kafka(ConnectorSettings.kafkaClient(props)).encryption(kek);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static String enumName(Object value) {
    return ((String) value).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static ConfigDef.Validator instant() {
    return (name, value) -> {
      if (value != null) {
        try {
          Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
          throw new ConfigException(name, value, "expected an ISO-8601 instant such as 2026-12-01T08:00:00Z");
        }
      }
    };
  }
}
