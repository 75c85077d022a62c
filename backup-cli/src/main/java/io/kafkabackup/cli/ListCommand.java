package io.kafkabackup.cli;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupSummary;
import io.kafkabackup.storage.StorageBackend;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kafka-backup list}. */
@Command(name = "list", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "List the backups under the storage prefix (one delimiter listing, never a scan of every key).")
final class ListCommand implements Callable<Integer> {
  @ParentCommand
  KafkaBackupCli root;
  @Mixin
  CommonOptions common;
  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
  String output;

  @Override
  public Integer call() {
    CliContext ctx = new CliContext(common, root.env, new PrintWriter(root.stdout, true));
    try (StorageBackend storage = ctx.openStorage()) {
      List<BackupSummary> backups = new BackupCatalog(storage).list();
      if (output.equals("json")) {
        ctx.out.println(new String(BackupJson.write(new Listing(backups)), StandardCharsets.UTF_8));
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
