package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.ExistingDataPolicy;
import io.kafkabackup.backup.kafka.PartitionMapping;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.KeyWrapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** The restore options shared by {@code restore} and {@code groups}: the restore: section, flags over it. */
final class RestoreSettings {
  static final Set<String> KEYS = Set.of("backup-id", "restore-id", "topics", "include", "exclude", "rename",
      "partitions", "from-offset", "to-offset", "from-time", "to-time", "partition-mapping", "target-partitions",
      "create-topics", "concurrency", "transaction-records", "incarnations", "kafka", "max-bytes-per-second",
      "max-records-per-second", "on-existing-data", "allow-log-append-time");

  @Option(names = "--backup-id", description = "The backup to restore (restore.backup-id).")
  String backupId;
  @Option(names = "--restore-id", description = "Names the restore; the same id resumes it (restore.restore-id). "
      + "Default: the backup id.")
  String restoreId;
  @Option(names = {"-t", "--topic"}, description = "Topic of the backup to restore (repeatable; restore.topics). Default: all.")
  List<String> topics;
  @Option(names = "--rename", paramLabel = "FROM=TO", description = "Restore topic FROM as TO (repeatable; restore.rename).")
  Map<String, String> rename;
  @Option(names = "--incarnation", paramLabel = "TOPIC=TOPIC-ID", description = "Restore the incarnation of TOPIC "
      + "with this topic id (the topic before it was deleted and created again; describe lists them) instead of the "
      + "newest (repeatable; restore.incarnations).")
  Map<String, String> incarnations;
  @Option(names = "--max-bytes-per-second", paramLabel = "SIZE", description = "Restore at most this many bytes "
      + "(keys and values) a second over all partitions, e.g. 20MiB, so a live cluster's producers keep room "
      + "(restore.max-bytes-per-second). Default: no limit.")
  String maxBytesPerSecond;
  @Option(names = "--max-records-per-second", paramLabel = "N", description = "Restore at most this many records a "
      + "second over all partitions (restore.max-records-per-second). Default: no limit.")
  Long maxRecordsPerSecond;
  @Option(names = "--partition", description = "Source partition to restore (repeatable; restore.partitions). Default: all.")
  List<Integer> partitions;
  @Option(names = "--from-offset", description = "First source offset (restore.from-offset).")
  Long fromOffset;
  @Option(names = "--to-offset", description = "Last source offset, inclusive (restore.to-offset).")
  Long toOffset;
  @Option(names = "--from-time", description = "Earliest record timestamp, ISO-8601 or epoch ms (restore.from-time).")
  String fromTime;
  @Option(names = {"--to-time", "--point-in-time"},
      description = "Latest record timestamp, inclusive: the point in time (restore.to-time).")
  String toTime;
  @Option(names = "--partition-mapping", description = "keep or key-hash (restore.partition-mapping). Default: keep.")
  String partitionMapping;
  @Option(names = "--target-partitions", description = "Partitions of created topics under key-hash (restore.target-partitions).")
  Integer targetPartitions;
  @Option(names = "--on-existing-data", paramLabel = "POLICY", description = "A target topic that already holds "
      + "records: fail (refuse before writing anything), append (restore after them) or purge (delete them first, "
      + "with Kafka's DeleteRecords) (restore.on-existing-data). Default: fail.")
  String onExistingData;
  @Option(names = "--allow-log-append-time", description = "Accept target topics with message.timestamp.type="
      + "LogAppendTime, whose broker replaces every restored timestamp (restore.allow-log-append-time).")
  Boolean allowLogAppendTime;

  RestoreOptions build(CliContext ctx, KeyWrapper kek) {
    return build(ctx, null, kek);
  }

  /**
   * The options, recording the restore's metrics into {@code registry} when one is given, and unwrapping
   * encrypted segments' data keys with {@code kek} (null when encryption is not configured).
   */
  RestoreOptions build(CliContext ctx, MeterRegistry registry, KeyWrapper kek) {
    Section s = ctx.section("restore").allow(KEYS);
    String backup = backupId != null ? backupId : s.string("backup-id").orElseThrow(() -> new ConfigException(
        "the backup to restore is required: --backup-id or restore.backup-id"));
    RestoreOptions.Builder b = RestoreOptions.builder(backup).kafka(ctx.restoreKafkaConfig()).encryption(kek);
    b.restoreId(restoreId != null ? restoreId : s.string("restore-id").orElse(null));
    List<String> names = topics != null ? topics : s.strings("topics");
    String include = s.string("include").orElse(null);
    if (!names.isEmpty() || include != null) {
      b.topics(TopicSelection.parse(names, include, s.string("exclude").orElse(null)));
    }
    Map<String, String> renames = new LinkedHashMap<>(s.stringMap("rename"));
    if (rename != null) {
      renames.putAll(rename);
    }
    renames.forEach(b::renameTopic);
    Map<String, String> chosen = new LinkedHashMap<>(s.stringMap("incarnations"));
    if (incarnations != null) {
      chosen.putAll(incarnations);
    }
    chosen.forEach(b::incarnation);
    List<Integer> parts = partitions;
    if (parts == null && s.has("partitions")) {
      parts = s.strings("partitions").stream().map(v -> {
        try {
          return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
          throw s.error("partitions", "expected partition numbers, got '" + v + "'");
        }
      }).toList();
    }
    if (parts != null) {
      b.partitions(new HashSet<>(parts));
    }
    long from = fromOffset != null ? fromOffset : s.longValue("from-offset").orElse(0L);
    long to = toOffset != null ? toOffset : s.longValue("to-offset").orElse(Long.MAX_VALUE);
    b.offsets(from, to);
    long fromTs = fromTime != null ? instant("--from-time", fromTime) : s.instant("from-time").orElse(Long.MIN_VALUE);
    long toTs = toTime != null ? instant("--to-time", toTime) : s.instant("to-time").orElse(Long.MAX_VALUE);
    b.timeWindow(fromTs, toTs);
    PartitionMapping mapping = partitionMapping != null
        ? Enums.parse("--partition-mapping", partitionMapping, PartitionMapping.class)
        : s.choice("partition-mapping", PartitionMapping.class).orElse(PartitionMapping.KEEP);
    b.partitionMapping(mapping, targetPartitions != null ? targetPartitions : s.integer("target-partitions").orElse(null));
    s.bool("create-topics").ifPresent(b::createTopics);
    b.onExistingData(onExistingData != null ? Enums.parse("--on-existing-data", onExistingData, ExistingDataPolicy.class)
        : s.choice("on-existing-data", ExistingDataPolicy.class).orElse(ExistingDataPolicy.FAIL));
    b.allowLogAppendTime(allowLogAppendTime != null ? allowLogAppendTime
        : s.bool("allow-log-append-time").orElse(false));
    s.integer("concurrency").ifPresent(b::concurrency);
    s.integer("transaction-records").ifPresent(b::transactionRecords);
    long bytesLimit = maxBytesPerSecond != null ? Enums.size("--max-bytes-per-second", maxBytesPerSecond)
        : s.size("max-bytes-per-second").orElse(0L);
    b.throttle(bytesLimit, maxRecordsPerSecond != null ? maxRecordsPerSecond
        : s.longValue("max-records-per-second").orElse(0L));
    if (registry != null) {
      b.meterRegistry(registry);
    }
    return b.build();
  }

  private static long instant(String option, String value) {
    Long millis = Enums.instant(value);
    if (millis == null) {
      throw new ConfigException(option + ": expected an ISO-8601 instant or epoch milliseconds, got '" + value + "'");
    }
    return millis;
  }
}
