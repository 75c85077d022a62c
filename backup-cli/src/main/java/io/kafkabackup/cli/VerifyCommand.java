package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kafka-backup verify ID}: exit 3 when a committed segment is missing or corrupt. */
@Command(name = "verify", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Read every committed segment back, check CRC32C and SHA-256 against the commits, report missing "
        + "segments and orphans. Exit 3 when problems are found.")
final class VerifyCommand extends CliCommand {
  @Parameters(paramLabel = "BACKUP-ID", description = "The backup.")
  String backupId;

  @Override
  public Integer call() {
    CliContext ctx = context();
    try (StorageBackend storage = ctx.openStorage();
        KeyWrapper kek = ctx.openKeyWrapper()) {
      VerifyReport report = new BackupCatalog(storage, kek == null ? null : new SegmentKeys(storage, kek)).verify(backupId);
      if (json()) {
        printJson(ctx.out, report);
      } else {
        ctx.out.printf("verified %d segments (%s) of backup %s: %s%n", report.segmentsChecked(),
            Formats.bytes(report.bytesChecked()), backupId,
            report.ok() ? "all intact" : report.problems().size() + " problem(s)");
        if (report.segmentsNotDecrypted() > 0) {
          ctx.out.printf("%d encrypted segment(s) checked without key access: structure, CRC32C and SHA-256 only, "
              + "contents not decrypted (configure storage.encryption to check them whole)%n",
              report.segmentsNotDecrypted());
        }
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
