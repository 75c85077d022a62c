package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.crypto.Rekey;
import io.kafkabackup.backup.crypto.RekeyResult;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kafka-backup rekey ID}: re-wraps a backup's data keys under the current key-encryption key. */
@Command(name = "rekey", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Re-wrap every data key of a backup under the current key-encryption key (storage.encryption), "
        + "so the old one can be retired. Only the small key objects are rewritten, never a segment; the backup "
        + "stays readable throughout and a run cut short is finished by the next. The old key must still be "
        + "available to the configured provider.")
final class RekeyCommand extends CliCommand {
  @Parameters(paramLabel = "BACKUP-ID", description = "The backup.")
  String backupId;

  @Override
  public Integer call() {
    CliContext ctx = context();
    try (StorageBackend storage = ctx.openStorage();
        KeyWrapper kek = ctx.openKeyWrapper()) {
      if (kek == null) {
        throw new ConfigException("rekey needs storage.encryption: the key-encryption key to re-wrap under");
      }
      new BackupCatalog(storage).descriptor(backupId);
      RekeyResult result = Rekey.run(storage, backupId, kek);
      if (json()) {
        printJson(ctx.out, result);
      } else {
        ctx.out.printf("backup %s: %d data key(s) re-wrapped under %s key '%s', %d already were%n", backupId,
            result.rewrapped(), kek.type(), result.kekId(), result.alreadyCurrent());
        if (!result.previousKekIds().isEmpty()) {
          ctx.out.printf("no longer used by this backup: %s%n", String.join(", ", result.previousKekIds()));
        }
      }
      ctx.out.flush();
      return ExitCode.OK;
    }
  }
}
