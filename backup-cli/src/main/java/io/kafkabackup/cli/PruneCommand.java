package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.PrunePlan;
import io.kafkabackup.backup.catalog.PrunePolicy;
import io.kafkabackup.storage.StorageBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kafka-backup prune}: plans by default, deletes with {@code --execute}. */
@Command(name = "prune", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Delete finished backups by age or count, and orphan segments past a grace period. Prints the plan; "
        + "deletes only with --execute. A running backup is never pruned.")
final class PruneCommand extends CliCommand {
  @Option(names = "--keep-last", description = "Keep this many newest finished backups.")
  Integer keepLast;
  @Option(names = "--older-than", description = "Delete finished backups older than this (e.g. 30d).")
  String olderThan;
  @Option(names = "--orphan-grace", defaultValue = "1h", description = "Orphan segments younger than this are kept.")
  String orphanGrace;
  @Option(names = "--execute", description = "Delete what the plan lists (checked again first).")
  boolean execute;

  @Override
  public Integer call() {
    if (keepLast == null && olderThan == null) {
      throw new ConfigException("say what to keep: --keep-last N and/or --older-than DURATION");
    }
    CliContext ctx = context();
    PrunePolicy policy = new PrunePolicy(keepLast, olderThan == null ? null : Enums.duration("--older-than", olderThan),
        Enums.duration("--orphan-grace", orphanGrace));
    try (StorageBackend storage = ctx.openStorage()) {
      BackupCatalog catalog = new BackupCatalog(storage);
      PrunePlan plan = catalog.planPrune(policy, Instant.now());
      if (json()) {
        printJson(ctx.out, plan);
      } else {
        Formats.table(ctx.out, List.of("DELETE BACKUP", "CREATED", "WHY"), plan.backups().stream()
            .map(b -> List.of(b.backupId(), b.createdAt(), b.reason())).collect(Collectors.toList()));
        ctx.out.printf("%d orphan segment(s), %s%n", plan.orphans().size(), Formats.bytes(plan.orphanBytes()));
      }
      if (execute) {
        long deleted = catalog.executePrune(plan);
        ctx.out.printf("deleted %d object(s)%n", deleted);
      } else if (!json()) {
        ctx.out.println("plan only: run again with --execute to delete");
      }
      ctx.out.flush();
      return ExitCode.OK;
    }
  }
}
