package io.kafkabackup.backup.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of a backup or restore job, created only when the caller passes a registry
 * (Micrometer is an optional dependency: without a registry this class is never loaded).
 *
 * <p>Backup: {@code kafka.backup.records}, {@code kafka.backup.bytes}, {@code kafka.backup.segments},
 * {@code kafka.backup.commits} (counters), {@code kafka.backup.errors} (counter, tag {@code kind}:
 * {@code storage}, {@code kafka}, {@code fenced}, {@code truncated}), {@code kafka.backup.commit.latency}
 * (timer: segment close plus commit), {@code kafka.backup.lag} (gauge: offsets in the log not yet
 * committed to the backup) and {@code kafka.backup.recovery.point} (gauge, seconds: how old the newest
 * committed record is while the backup is behind the log; 0 when every offset is committed).
 * Restore: {@code kafka.restore.records}, {@code kafka.restore.bytes}, {@code kafka.restore.transactions}.
 *
 * <p>Tags: {@code backup} (and {@code restore}), {@code topic}. The lag and recovery point are per topic
 * (the sum of its partitions' lags, the worst of their recovery points) so that a cluster of thousands
 * of partitions stays a handful of series; with per-partition metrics they also carry {@code partition}.
 */
final class JobMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final String prefix;
  private final boolean perPartition;
  private final long startedAtMillis = System.currentTimeMillis();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  /** Each topic's partitions, by partition: what the lag and recovery point gauges read. */
  private final Map<String, Map<Integer, PartitionLag>> topics = new ConcurrentHashMap<>();

  private JobMetrics(MeterRegistry registry, String prefix, Tags tags, boolean perPartition) {
    this.registry = registry;
    this.prefix = prefix;
    this.tags = tags;
    this.perPartition = perPartition;
  }

  static JobMetrics backup(Object registry, String backupId, boolean perPartition) {
    return registry == null ? null
        : new JobMetrics((MeterRegistry) registry, "kafka.backup", Tags.of("backup", backupId), perPartition);
  }

  static JobMetrics restore(Object registry, String backupId, String restoreId) {
    return registry == null ? null
        : new JobMetrics((MeterRegistry) registry, "kafka.restore", Tags.of("backup", backupId, "restore", restoreId),
            false);
  }

  void count(String name, String topic, long amount) {
    counters.computeIfAbsent(name + "/" + topic, k -> Counter.builder(prefix + "." + name).tags(tags).tag("topic", topic)
        .register(registry)).increment(amount);
  }

  void error(String kind, String topic) {
    counters.computeIfAbsent("errors/" + kind + "/" + topic, k -> Counter.builder(prefix + ".errors").tags(tags)
        .tag("topic", topic).tag("kind", kind).description("failures by kind; each is retried or reported")
        .register(registry)).increment();
  }

  void commitLatency(String topic, Duration latency) {
    timers.computeIfAbsent(topic, t -> Timer.builder(prefix + ".commit.latency").tags(tags).tag("topic", t)
        .register(registry)).record(latency);
  }

  /**
   * A partition's position against its log.
   *
   * @param lag offsets in the log not committed to the backup yet
   * @param newestCommittedTimestamp the largest record timestamp committed, {@code -1} if none yet
   */
  void partition(String topic, int partition, long lag, long newestCommittedTimestamp) {
    Map<Integer, PartitionLag> partitions = topics.computeIfAbsent(topic, t -> {
      Map<Integer, PartitionLag> map = new ConcurrentHashMap<>();
      if (!perPartition) {
        gauges(Tags.of("topic", t), map);
      }
      return map;
    });
    partitions.computeIfAbsent(partition, p -> {
      PartitionLag value = new PartitionLag();
      if (perPartition) {
        gauges(Tags.of("topic", topic, "partition", String.valueOf(p)), Map.of(p, value));
      }
      return value;
    }).set(lag, newestCommittedTimestamp);
  }

  private void gauges(Tags series, Map<Integer, PartitionLag> partitions) {
    gauge("lag", series, partitions, m -> m.values().stream().mapToLong(PartitionLag::lag).sum(),
        "offsets in the log not committed to the backup yet");
    gauge("recovery.point", series, partitions, m -> m.values().stream()
            .mapToDouble(p -> p.recoveryPointSeconds(System.currentTimeMillis(), startedAtMillis)).max().orElse(0),
        "seconds: how old the newest committed record is while the backup is behind; 0 when caught up");
  }

  private void gauge(String name, Tags series, Map<Integer, PartitionLag> partitions,
      ToDoubleFunction<Map<Integer, PartitionLag>> value, String description) {
    Gauge.builder(prefix + "." + name, partitions, value).tags(tags).tags(series).description(description)
        .baseUnit(name.equals("recovery.point") ? "seconds" : null).register(registry);
  }

  /** One partition's lag and the newest record its backup holds. */
  private static final class PartitionLag {
    private volatile long lag;
    private volatile long newestCommittedTimestamp = -1;

    long lag() {
      return lag;
    }

    void set(long lag, long newestCommittedTimestamp) {
      this.lag = lag;
      this.newestCommittedTimestamp = newestCommittedTimestamp;
    }

    /** 0 when caught up; else the age of the newest committed record (of the job, before the first commit). */
    double recoveryPointSeconds(long nowMillis, long startedAtMillis) {
      if (lag <= 0) {
        return 0;
      }
      long since = newestCommittedTimestamp >= 0 ? newestCommittedTimestamp : startedAtMillis;
      return Math.max(0, nowMillis - since) / 1000.0;
    }
  }
}
