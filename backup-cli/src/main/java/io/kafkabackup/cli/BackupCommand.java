package io.kafkabackup.cli;

import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.PartitionErrorPolicy;
import io.kafkabackup.backup.kafka.SecurityScope;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.log.LogPolicy;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kafka-backup backup}: runs a backup job. */
@Command(name = "backup", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Back up topics: a snapshot up to the end offsets seen at start, or continuously until stopped "
        + "(SIGTERM commits what was read and exits 1). Settings come from the backup: section; flags override it.")
final class BackupCommand extends CliCommand {
  static final Set<String> KEYS = Set.of("id", "topics", "include", "exclude", "mode", "compression",
      "compression-level", "segment-max-bytes", "segment-max-records", "segment-max-age", "workers", "group-id",
      "topic-check-interval", "on-partition-error", "partition-discovery-interval", "retention-age", "retention-bytes",
      "retention-delete-delay", "checkpoint-interval", "security");


  @Option(names = "--id", description = "Backup id (backup.id); a second run with the same id resumes it.")
  String id;
  @Option(names = {"-t", "--topic"}, description = "Topic to back up (repeatable; backup.topics).")
  List<String> topics;
  @Option(names = "--include", description = "Regex of topics to back up (backup.include).")
  String include;
  @Option(names = "--exclude", description = "Regex of topics to leave out (backup.exclude).")
  String exclude;
  @Option(names = "--mode", description = "snapshot or continuous (backup.mode). Default: snapshot.")
  String mode;
  @Option(names = "--compression", description = "zstd, lz4 or none (backup.compression). Default: zstd.")
  String compression;
  @Option(names = "--workers", description = "Consumers (threads) of this instance (backup.workers). Default: cores, at most 4.")
  Integer workers;
  @Option(names = "--group-id", description = "Scale out: instances with the same group share partitions (backup.group-id).")
  String groupId;
  @Mixin
  ProgressOptions progressOptions = new ProgressOptions();
  @ArgGroup(exclusive = false, heading = "Metrics and health:%n")
  MetricsSettings metrics = new MetricsSettings();

  /** Checkpoints and retention inside the backup, each setting checked by name. */
  private static LogPolicy logPolicy(Section s) {
    int interval = s.integer("checkpoint-interval").orElse(LogPolicy.DEFAULT_CHECKPOINT_INTERVAL);
    if (interval < 1) {
      throw s.error("checkpoint-interval", "must be at least 1, not " + interval);
    }
    Duration age = s.duration("retention-age").orElse(null);
    if (age != null && (age.isZero() || age.isNegative())) {
      throw s.error("retention-age", "must be longer than 0 (leave it out to keep history of any age)");
    }
    Duration delay = s.duration("retention-delete-delay").orElse(LogPolicy.DEFAULT_DELETE_DELAY);
    if (delay.isNegative()) {
      throw s.error("retention-delete-delay", "must not be negative");
    }
    return new LogPolicy(interval, age, s.size("retention-bytes").orElse(null), delay);
  }

  @Override
  @SuppressWarnings("try") // the progress printer runs for the block, never read
  public Integer call() {
    CliContext ctx = context();
    Section s = ctx.section("backup").allow(KEYS);
    String backupId = id != null ? id : s.string("id").orElseThrow(() -> new ConfigException(
        "the backup id is required: --id or backup.id"));
    List<String> names = topics != null ? topics : s.strings("topics");
    String inc = include != null ? include : s.string("include").orElse(null);
    String exc = exclude != null ? exclude : s.string("exclude").orElse(null);
    if (names.isEmpty() && inc == null) {
      throw new ConfigException("select topics: --topic, --include, backup.topics or backup.include");
    }
    BackupOptions.Builder b = BackupOptions.builder(backupId, TopicSelection.parse(names, inc, exc))
        .kafka(ctx.kafkaConfig());
    BackupMode m = mode != null ? Enums.parse("--mode", mode, BackupMode.class)
        : s.choice("mode", BackupMode.class).orElse(BackupMode.SNAPSHOT);
    b.mode(m);
    Codec codec = compression != null ? Enums.parse("--compression", compression, Codec.class)
        : s.choice("compression", Codec.class).orElse(Codec.ZSTD);
    b.compression(codec, s.integer("compression-level").orElse(Codec.DEFAULT_ZSTD_LEVEL));
    b.segmentLimits(s.size("segment-max-bytes").orElse(64L * 1024 * 1024),
        s.longValue("segment-max-records").orElse(Long.MAX_VALUE),
        s.duration("segment-max-age").orElse(Duration.ofMinutes(5)));
    Integer w = workers != null ? workers : s.integer("workers").orElse(null);
    if (w != null) {
      b.workers(w);
    }
    b.groupId(groupId != null ? groupId : s.string("group-id").orElse(null));
    s.duration("topic-check-interval").ifPresent(b::topicCheckInterval);
    s.duration("partition-discovery-interval").ifPresent(b::discoveryInterval);
    s.choice("on-partition-error", PartitionErrorPolicy.class).ifPresent(b::onPartitionError);
    s.choice("security", SecurityScope.class).ifPresent(b::securityScope);
    b.logPolicy(logPolicy(s));
    MetricsSettings.Service service = metrics.build(ctx);
    PrometheusMeterRegistry registry = MetricsSettings.registry(service);
    if (registry != null) {
      b.meterRegistry(registry).perPartitionMetrics(service.perPartition());
    }
    try (StorageBackend storage = ctx.openStorage(registry);
        KeyWrapper kek = ctx.openKeyWrapper()) {
      BackupOptions options = b.encryption(kek).build();
      BackupJob job = new BackupJob(storage, options);
      ServiceEndpoint endpoint = service == null ? null
          : service.start(registry, () -> job.health(service.readyStorageWindow()));
      CountDownLatch finished = new CountDownLatch(1);
      AtomicInteger exitCode = new AtomicInteger(ExitCode.FAILED);
      Thread hook = new Thread(() -> {
        job.stop();
        try {
          if (finished.await(30, TimeUnit.SECONDS)) {
            // The JVM is already going down for the signal: System.exit would block behind this hook and the
            // process would end with 128 + 15. The summary is printed, so end with the documented code.
            ctx.out.flush();
            Runtime.getRuntime().halt(exitCode.get());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "kafka-backup-sigterm");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        BackupResult result;
        try (ProgressPrinter progress = progressOptions.start("backup " + backupId, job::progress, root())) {
          result = job.run();
        }
        if (json()) {
          printJson(ctx.out, result);
        } else {
          ctx.out.printf("backup %s %s: %,d records, %s in %d segments, %d s%n", backupId,
              result.state().name().toLowerCase(Locale.ROOT), result.records(), Formats.bytes(result.bytes()),
              result.segments(), result.elapsedMillis() / 1000);
        }
        ctx.out.flush();
        // Stopped (SIGTERM) is not done, in either mode: a CronJob must see the run as cut short.
        exitCode.set(result.state() == BackupState.STOPPED ? ExitCode.FAILED : ExitCode.OK);
        return exitCode.get();
      } finally {
        if (endpoint != null) {
          endpoint.close();
        }
        finished.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down (SIGTERM): the hook is running
        }
      }
    }
  }
}
