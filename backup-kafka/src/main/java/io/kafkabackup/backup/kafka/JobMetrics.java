package io.kafkabackup.backup.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of a backup or restore job, created only when the caller passes a registry
 * (Micrometer is an optional dependency: without a registry this class is never loaded).
 *
 * <p>Backup: {@code kafka.backup.records}, {@code kafka.backup.bytes}, {@code kafka.backup.segments}
 * (counters), {@code kafka.backup.commit.latency} (timer: segment close plus commit) and
 * {@code kafka.backup.lag} (gauge per partition: offsets in the log not yet committed to the backup).
 * Restore: {@code kafka.restore.records}, {@code kafka.restore.bytes}, {@code kafka.restore.transactions}.
 * Tags: {@code backup} (and {@code restore}), {@code topic}, and {@code partition} on the lag gauge.
 */
final class JobMetrics {
  private final MeterRegistry registry;
  private final Tags tags;
  private final String prefix;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

  private JobMetrics(MeterRegistry registry, String prefix, Tags tags) {
    this.registry = registry;
    this.prefix = prefix;
    this.tags = tags;
  }

  static JobMetrics backup(Object registry, String backupId) {
    return registry == null ? null : new JobMetrics((MeterRegistry) registry, "kafka.backup", Tags.of("backup", backupId));
  }

  static JobMetrics restore(Object registry, String backupId, String restoreId) {
    return registry == null ? null
        : new JobMetrics((MeterRegistry) registry, "kafka.restore", Tags.of("backup", backupId, "restore", restoreId));
  }

  void count(String name, String topic, long amount) {
    counters.computeIfAbsent(name + "/" + topic, k -> Counter.builder(prefix + "." + name).tags(tags).tag("topic", topic)
        .register(registry)).increment(amount);
  }

  void commitLatency(String topic, Duration latency) {
    Timer.builder(prefix + ".commit.latency").tags(tags).tag("topic", topic).register(registry).record(latency);
  }

  void lag(String topic, int partition, long lag) {
    lags.computeIfAbsent(topic + "/" + partition, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(prefix + ".lag", value, AtomicLong::get).tags(tags).tag("topic", topic)
          .tag("partition", String.valueOf(partition)).register(registry);
      return value;
    }).set(lag);
  }
}
