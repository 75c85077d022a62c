package io.kafkabackup.connect;

import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestorePlan;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup with Kafka Connect, exactly once: topics (renamed or not), partitions kept or
 * key-hashed, an offset range, a point in time — what {@code kafka-backup restore} does, read through the
 * same {@link io.kafkabackup.backup.kafka.PartitionReplay}, from a backup either one wrote.
 *
 * <p>It runs on a worker with {@code exactly.once.source.support=enabled}: each task's records and its
 * source offsets (the restore position of each source partition) are written in one transaction, and a
 * transaction ends only at a segment's end, once the segment has been verified (footer, CRC32C, SHA-256).
 * A worker killed mid-restore therefore leaves nothing half-visible: the task resumes from the last
 * committed segment end. A corrupt segment fails the task, naming it, before any of its records commit.
 *
 * <p>On start the connector checks the target as the CLI does (partition counts, timestamp types, records
 * already there under {@code restore.on-existing-data=fail}) and creates the missing topics with the
 * backed-up configs; a connector that already restored something (its offsets exist) continues.
 */
public final class KafkaBackupSourceConnector extends SourceConnector {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBackupSourceConnector.class);

  private Map<String, String> props;
  private RestorePlan plan;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public ConfigDef config() {
    return RestoreSourceConfig.DEFINITION;
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  @Override
  public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
    return ConnectorTransactionBoundaries.SUPPORTED;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    return ConnectorSettings.validate(super.validate(connectorConfigs), connectorConfigs,
        RestoreSourceConfig.BACKUP_ID, (configs, values) -> {
          KafkaBackupSinkConnector.checkRawRecords(configs, values);
          ConnectorSettings.require(configs, values, "exactly.once.support", Set.of("required"),
              "a restore that could repeat records is refused (the worker needs exactly.once.source.support=enabled)");
          ConnectorSettings.require(configs, values, "transaction.boundary", Set.of("connector"),
              "transactions end at verified segment ends only");
        }, RestoreSourceConfig::options);
  }

  @Override
  public void start(Map<String, String> properties) {
    this.props = Map.copyOf(properties);
    RestoreOptions options = RestoreSourceConfig.options(props);
    try (StorageBackend storage = ConnectorSettings.openStorage(props)) {
      plan = new RestoreJob(storage, options).prepare(this::alreadyRestored);
    }
    LOG.info("restore {} of backup {}: {} source partitions, {} records at most", options.restoreId(),
        options.backupId(), plan.partitions().size(), plan.records());
  }

  /** Whether this connector has committed a restore position for any of the partitions. */
  private boolean alreadyRestored(Set<SourcePartition> partitions) {
    String backupId = props.get(RestoreSourceConfig.BACKUP_ID);
    List<Map<String, Object>> keys = partitions.stream()
        .map(p -> KafkaBackupSourceTask.sourcePartition(backupId, p)).collect(Collectors.toList());
    return context().offsetStorageReader().offsets(keys).values().stream().anyMatch(Objects::nonNull);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return KafkaBackupSourceTask.class;
  }

  /** Spreads the source partitions over the tasks, round robin; each task restores its share in turn. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    Map<String, Integer> targetCounts = new HashMap<>();
    plan.topics().forEach(t -> targetCounts.put(t.source(), t.targetPartitions()));
    int tasks = Math.max(1, Math.min(maxTasks, plan.partitions().size()));
    List<List<String>> shares = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      shares.add(new ArrayList<>());
    }
    List<RestorePlan.PartitionPlan> partitions = plan.partitions();
    for (int i = 0; i < partitions.size(); i++) {
      RestorePlan.PartitionPlan p = partitions.get(i);
      shares.get(i % tasks).add(p.topic() + ":" + p.partition() + ":" + targetCounts.get(p.topic()));
    }
    List<Map<String, String>> configs = new ArrayList<>();
    for (List<String> share : shares) {
      Map<String, String> config = new HashMap<>(props);
      config.put(RestoreSourceConfig.TASK_PARTITIONS, String.join(",", share));
      configs.add(config);
    }
    return configs;
  }

  @Override
  public void stop() {
    plan = null;
  }
}
