package io.kafkabackup.connect;

import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupSink;
import io.kafkabackup.storage.StorageBackend;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs topics up with Kafka Connect: each task writes the partitions Connect assigns it into one backup
 * id — the same segments and create-only commit log as {@code kafka-backup backup}, so either restores
 * what the other wrote. Exactly once: a task claims each partition in the commit log when it is assigned
 * (fencing an earlier owner), rewinds the consumer to what the log holds, and reports only committed
 * positions to Connect.
 *
 * <p>The connector itself stores what is not records: the consumer groups' committed offsets and the
 * ACLs, at its start and every {@code backup.group-snapshot-interval}.
 *
 * <p>Its configuration is checked strictly ({@link #validate}): records must reach the task as they are
 * in Kafka — {@code ByteArrayConverter} for keys, values and headers, no transforms, no tolerated errors —
 * and read with {@code read_committed}, so that aborted transactions are never stored.
 */
public final class KafkaBackupSinkConnector extends SinkConnector {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackupSinkConnector.class);
  static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

  private Map<String, String> props;
  private ScheduledExecutorService background;
  private StorageBackend storage;
  private BackupSink sink;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public ConfigDef config() {
    return BackupSinkConfig.DEFINITION;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConnectorSettings.validate(super.validate(connectorConfigs), connectorConfigs, BackupSinkConfig.BACKUP_ID,
        (configs, values) -> {
          checkRawRecords(configs, values);
          ConnectorSettings.require(configs, values, "consumer.override.isolation.level", Set.of("read_committed"),
              "a backup never stores records of aborted transactions");
        }, BackupSinkConfig::options);
  }

  /** What both connectors need: the records' bytes as Kafka holds them. */
  static void checkRawRecords(Map<String, String> configs, Map<String, ConfigValue> values) {
    String why = "the backup keeps records byte for byte (null distinct from empty)";
    for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
      ConnectorSettings.require(configs, values, converter, Set.of(BYTE_ARRAY_CONVERTER), why);
    }
    String transforms = configs.get("transforms");
    if (transforms != null && !transforms.isBlank()) {
      values.computeIfAbsent("transforms", ConfigValue::new).addErrorMessage(
          "transforms must be empty: " + why);
    }
    String tolerance = configs.get("errors.tolerance");
    if (tolerance != null && !tolerance.trim().equals("none")) {
      values.computeIfAbsent("errors.tolerance", ConfigValue::new).addErrorMessage(
          "errors.tolerance must be none: a record skipped on an error would be missing from the backup");
    }
  }

  @Override
  public void start(Map<String, String> properties) {
    this.props = Map.copyOf(properties);
    BackupOptions options = BackupSinkConfig.options(props);
    storage = ConnectorSettings.openStorage(props);
    try {
      sink = new BackupSink(storage, options, BackupSink.NO_CONTROL);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kafka-backup-" + options.backupId() + "-connector");
      t.setDaemon(true);
      return t;
    });
    Duration every = options.groupSnapshotInterval();
    background.scheduleAtFixedRate(this::snapshotQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("backup {}: sink connector started", options.backupId());
  }

  private void snapshotQuietly() {
    try {
      sink.snapshotCluster();
    } catch (RuntimeException e) {
      LOG.warn("consumer-group snapshot failed, trying again at the next: {}", e.getMessage());
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return KafkaBackupSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.nCopies(maxTasks, props);
  }

  @Override
  public void stop() {
    if (background != null) {
      background.shutdownNow();
      try {
        // A snapshot under way finishes with the admin client before it is closed.
        background.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (sink != null) {
        sink.stopped();
        sink.close();
      }
    } catch (RuntimeException e) {
      LOG.warn("stopping the sink connector: {}", e.getMessage());
    } finally {
      if (storage != null) {
        storage.close();
      }
    }
  }
}
