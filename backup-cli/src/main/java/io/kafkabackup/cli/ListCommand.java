package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupSummary;
import io.kafkabackup.storage.StorageBackend;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code kafka-backup list}. */
@Command(name = "list", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "List the backups under the storage prefix (one delimiter listing, never a scan of every key).")
final class ListCommand extends CliCommand {

  @Override
  public Integer call() {
    CliContext ctx = context();
    try (StorageBackend storage = ctx.openStorage()) {
      List<BackupSummary> backups = new BackupCatalog(storage).list();
      if (json()) {
        printJson(ctx.out, new Listing(backups));
      } else {
        Formats.table(ctx.out, List.of("BACKUP", "MODE", "STATE", "CREATED", "FINISHED"), backups.stream()
            .map(b -> List.of(b.backupId(), b.mode(), b.state() == null ? "-" : b.state().name().toLowerCase(Locale.ROOT),
                b.createdAt(), Formats.orDash(b.finishedAt())))
            .collect(Collectors.toList()));
      }
      ctx.out.flush();
      return ExitCode.OK;
    }
  }

  /**
   * The JSON document of {@code list --output json}.
   *
   * @param backups the backups, oldest first
   */
  record Listing(List<BackupSummary> backups) {
  }
}
