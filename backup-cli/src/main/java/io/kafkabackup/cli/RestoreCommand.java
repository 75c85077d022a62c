package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.GroupOffsetsRestore;
import io.kafkabackup.backup.kafka.JobHealth;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestorePlan;
import io.kafkabackup.backup.kafka.RestoreResult;
import io.kafkabackup.backup.kafka.SecurityRestore;
import io.kafkabackup.backup.model.SecuritySnapshot;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kafka-backup restore}: restores a backup exactly once. */
@Command(name = "restore", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Restore a backup into a cluster, exactly once: a restore killed at any point and run again with "
        + "the same restore id continues where it stopped. Settings come from the restore: section; flags override it.")
final class RestoreCommand extends CliCommand {
  @ArgGroup(exclusive = false, heading = "Selection and mapping:%n")
  RestoreSettings settings = new RestoreSettings();

  @Option(names = "--dry-run", description = "Print what would be restored, where, and which topics created; write nothing.")
  boolean dryRun;
  @Option(names = "--apply-group-offsets", description = "After the restore, set the backed-up consumer groups' offsets.")
  boolean applyGroupOffsets;
  @Option(names = "--acls", description = "After the restore, create the ACLs the backup kept (topic ACLs under the "
      + "restore's renames); idempotent. With --dry-run: list them.")
  boolean acls;
  @Option(names = "--quotas", description = "After the restore, set the client quotas the backup kept; idempotent. "
      + "With --dry-run: list them.")
  boolean quotas;
  @Mixin
  ProgressOptions progressOptions = new ProgressOptions();
  @ArgGroup(exclusive = false, heading = "Metrics and health:%n")
  MetricsSettings metrics = new MetricsSettings();

  @Override
  @SuppressWarnings("try") // the progress printer runs for the block, never read
  public Integer call() {
    CliContext ctx = context();
    MetricsSettings.Service service = metrics.build(ctx);
    PrometheusMeterRegistry registry = MetricsSettings.registry(service);
    try (KeyWrapper kek = ctx.openKeyWrapper();
        StorageBackend storage = ctx.openStorage(registry);
        // a restore is live and ready while it runs; it ends when done
        ServiceEndpoint endpoint = service == null || dryRun ? null
            : service.start(registry, () -> new JobHealth(true, true, "ok"))) {
      RestoreOptions options = settings.build(ctx, registry, kek);
      RestoreJob job = new RestoreJob(storage, options);
      SecuritySnapshot security = acls || quotas ? new SecurityRestore(storage, options).plan() : null;
      if (dryRun) {
        RestorePlan plan = job.plan();
        if (json()) {
          printJson(ctx.out, plan);
        } else {
          printPlan(ctx.out, plan);
          printSecurity(ctx.out, security);
        }
        return ExitCode.OK;
      }
      RestoreResult result;
      String label = "restore " + options.restoreId() + (options.maxBytesPerSecond() > 0
          ? " (at most " + Formats.bytes(options.maxBytesPerSecond()) + "/s)" : "")
          + (options.maxRecordsPerSecond() > 0 ? " (at most " + options.maxRecordsPerSecond() + " records/s)" : "");
      try (ProgressPrinter progress = progressOptions.start(label, job::progress, root())) {
        result = job.run();
      }
      if (json()) {
        printJson(ctx.out, result);
      } else {
        ctx.out.printf("restore %s of backup %s: %,d records, %s, %d s%n", options.restoreId(), options.backupId(),
            result.records(), Formats.bytes(result.bytes()), result.elapsedMillis() / 1000);
      }
      if (security != null) {
        List<String> applied = new SecurityRestore(storage, options).apply(security, acls, quotas);
        ctx.out.println((acls ? "ACLs" : "") + (acls && quotas ? " and " : "") + (quotas ? "client quotas" : "")
            + " applied: " + applied.size());
      }
      if (applyGroupOffsets) {
        GroupOffsetsRestore groups = new GroupOffsetsRestore(storage, options);
        List<String> applied = groups.apply(groups.plan());
        ctx.out.println("consumer group offsets set: " + (applied.isEmpty() ? "none" : String.join(", ", applied)));
      }
      ctx.out.flush();
      return ExitCode.OK;
    }
  }

  private static String targetState(RestorePlan.TopicPlan t) {
    if (t.create()) {
      return "create";
    }
    if (t.existingOffsets() == 0) {
      return "exists, empty";
    }
    return String.format(Locale.ROOT, "exists, %,d offsets: %s", t.existingOffsets(), t.purge() ? "purge" : "append");
  }

  private void printSecurity(PrintWriter out, SecuritySnapshot security) {
    if (security == null) {
      return;
    }
    if (acls) {
      out.printf("ACLs to create (%s%s):%n", security.authorizer() ? "kept " + security.capturedAt()
          : "the backed-up cluster had no authorizer", security.problem() == null ? "" : "; " + security.problem());
      security.acls().forEach(a -> out.println("  " + SecurityRestore.describe(a)));
    }
    if (quotas) {
      out.println("client quotas to set:");
      security.quotas().forEach(q -> out.println("  " + q.entity() + " " + q.values()));
    }
    out.flush();
  }

  static void printPlan(PrintWriter out, RestorePlan plan) {
    out.printf("restore %s of backup %s (dry run: nothing written)%n", plan.restoreId(), plan.backupId());
    List<List<String>> rows = new ArrayList<>();
    for (RestorePlan.TopicPlan t : plan.topics()) {
      String ids = plan.partitions().stream().filter(p -> p.topic().equals(t.source()))
          .map(p -> p.topicId() == null ? "unknown" : p.topicId()).distinct().collect(Collectors.joining(","));
      rows.add(List.of(t.source(), Formats.orDash(ids.isEmpty() ? null : ids), t.target(),
          String.valueOf(t.sourcePartitions()), String.valueOf(t.targetPartitions()), targetState(t)));
    }
    Formats.table(out, List.of("SOURCE", "TOPIC ID", "TARGET", "PARTITIONS", "TARGET PARTITIONS", "TARGET TOPIC"), rows);
    long bytes = plan.partitions().stream().mapToLong(RestorePlan.PartitionPlan::bytes).sum();
    out.printf("%d partitions, up to %,d records in %s of segments%n", plan.partitions().size(), plan.records(),
        Formats.bytes(bytes));
    out.flush();
  }
}
