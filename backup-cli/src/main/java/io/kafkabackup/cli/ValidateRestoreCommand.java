package io.kafkabackup.cli;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.kafka.ReportSignature;
import io.kafkabackup.backup.kafka.RestoreValidation;
import io.kafkabackup.backup.kafka.ValidationReport;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kafka-backup validate-restore}: compares restored topics with the backup, content and all, and
 * writes the evidence; exit 3 when they differ. With {@code --check-signature} it checks a signed report
 * instead.
 */
@Command(name = "validate-restore", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Read the restored topics (read_committed) and compare them with the backup's selected records: per "
        + "partition, count, offsets and an order-sensitive SHA-256 of key, value, headers and timestamp; name every "
        + "difference by partition and offset. Takes the restore's settings (the restore: section, the same flags). "
        + "Exit 3 when the restore differs from the backup.")
final class ValidateRestoreCommand extends CliCommand {
  @ArgGroup(exclusive = false, heading = "Selection and mapping (as the restore was given them):%n")
  RestoreSettings settings = new RestoreSettings();
  @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
  Path report;
  @Option(names = "--signing-key", paramLabel = "PEM", description = "Sign the report with this Ed25519 private key "
      + "(PKCS#8 PEM, openssl genpkey -algorithm ed25519); the signature goes to FILE.sig. Needs --report.")
  Path signingKey;
  @Option(names = "--check-signature", paramLabel = "FILE", description = "Check the signature FILE.sig of a report "
      + "with --public-key instead of validating; exit 0 when it holds, 3 when not.")
  Path checkSignature;
  @Option(names = "--public-key", paramLabel = "PEM", description = "The Ed25519 public key for --check-signature.")
  Path publicKey;

  @Override
  public Integer call() throws IOException {
    CliContext ctx = context();
    if (checkSignature != null) {
      return check(ctx);
    }
    if (signingKey != null && report == null) {
      throw new ConfigException("--signing-key needs --report: the signature is of the report file");
    }
    String key = signingKey == null ? null : read(signingKey, "--signing-key");
    ValidationReport result;
    try (StorageBackend storage = ctx.openStorage();
        KeyWrapper kek = ctx.openKeyWrapper()) {
      result = new RestoreValidation(storage, settings.build(ctx, kek)).run();
    }
    if (report != null) {
      byte[] json = BackupJson.write(result);
      Files.write(report, json);
      if (key != null) {
        Files.write(Path.of(report + ".sig"), ReportSignature.sign(json, key));
      }
    }
    if (json()) {
      printJson(ctx.out, result);
    } else {
      long records = result.partitions().stream().mapToLong(ValidationReport.PartitionResult::restoredRecords).sum();
      ctx.out.printf(Locale.ROOT, "validated %d partition(s), %,d restored records, against backup %s on cluster %s: %s%n",
          result.partitions().size(), records, result.backupId(), result.targetClusterId(),
          result.ok() ? "identical" : result.differenceCount() + " difference(s)");
      if (!result.ok()) {
        Formats.table(ctx.out, List.of("TOPIC", "PARTITION", "SOURCE OFFSET", "TARGET OFFSET", "KIND", "DETAIL"),
            result.differences().stream().map(d -> List.of(d.targetTopic(), String.valueOf(d.targetPartition()),
                offset(d.sourceOffset()), offset(d.targetOffset()), d.kind(), d.detail())).collect(Collectors.toList()));
      }
      if (report != null) {
        ctx.out.println("report: " + report + (key == null ? "" : " (signed: " + report + ".sig)"));
      }
    }
    ctx.out.flush();
    return result.ok() ? ExitCode.OK : ExitCode.VERIFY_PROBLEMS;
  }

  private Integer check(CliContext ctx) throws IOException {
    if (publicKey == null) {
      throw new ConfigException("--check-signature needs --public-key");
    }
    Path signature = Path.of(checkSignature + ".sig");
    if (!Files.exists(signature)) {
      throw new ConfigException("no signature " + signature + " beside the report");
    }
    boolean valid = ReportSignature.verify(Files.readAllBytes(checkSignature), Files.readAllBytes(signature),
        read(publicKey, "--public-key"));
    ctx.out.println(checkSignature + ": " + (valid ? "signature valid" : "signature INVALID: the report was changed or "
        + "signed with another key"));
    ctx.out.flush();
    return valid ? ExitCode.OK : ExitCode.VERIFY_PROBLEMS;
  }

  private static String read(Path file, String option) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String offset(long offset) {
    return offset < 0 ? "-" : String.valueOf(offset);
  }
}
