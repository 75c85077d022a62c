package io.kafkabackup.cli;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.storage.StorageBackend;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kafka-backup verify ID}: exit 3 when a committed segment is missing or corrupt. */
@Command(name = "verify", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Read every committed segment back, check CRC32C and SHA-256 against the commits, report missing "
        + "segments and orphans. Exit 3 when problems are found.")
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand
  KafkaBackupCli root;
  @Mixin
  CommonOptions common;
  @Parameters(paramLabel = "BACKUP-ID", description = "The backup.")
  String backupId;
  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
  String output;

  @Override
  public Integer call() {
    CliContext ctx = new CliContext(common, root.env, new PrintWriter(root.stdout, true));
    try (StorageBackend storage = ctx.openStorage()) {
      VerifyReport report = new BackupCatalog(storage).verify(backupId);
      if (output.equals("json")) {
        ctx.out.println(new String(BackupJson.write(report), StandardCharsets.UTF_8));
      } else {
        ctx.out.printf("verified %d segments (%s) of backup %s: %s%n", report.segmentsChecked(),
            Formats.bytes(report.bytesChecked()), backupId,
            report.ok() ? "all intact" : report.problems().size() + " problem(s)");
        if (!report.ok()) {
          Formats.table(ctx.out, List.of("PROBLEM", "SEGMENT", "DETAIL"), report.problems().stream()
              .map(p -> List.of(p.kind(), p.object(), p.detail())).collect(Collectors.toList()));
        }
        if (!report.orphans().isEmpty()) {
          ctx.out.printf("%d orphan segment(s) (never committed; prune removes them)%n", report.orphans().size());
        }
      }
      ctx.out.flush();
      return report.ok() ? ExitCode.OK : ExitCode.VERIFY_PROBLEMS;
    }
  }
}
