package io.kafkabackup.backup.crypto;

import java.util.List;

/**
 * What {@link Rekey#run} did.
 *
 * @param backupId the backup
 * @param kekId the exact id of the key-encryption key every data key is now wrapped under
 * @param rewrapped key objects re-wrapped under it by this run
 * @param alreadyCurrent key objects that already were
 * @param previousKekIds the KEK ids the re-wrapped keys were under before: no longer needed by this backup
 */
public record RekeyResult(String backupId, String kekId, int rewrapped, int alreadyCurrent, List<String> previousKekIds) {
}
