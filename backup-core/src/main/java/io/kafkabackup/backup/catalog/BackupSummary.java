package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.model.BackupState;

/**
 * One line of the catalog's listing.
 *
 * @param backupId the backup's id
 * @param createdAt when it was created, ISO-8601
 * @param mode {@code snapshot} or {@code continuous}
 * @param state the state its status object reports (null if it has none)
 * @param updatedAt when the status was last written (null if none)
 * @param finishedAt when the last job ended (null if running or never finished)
 */
public record BackupSummary(
    String backupId, String createdAt, String mode, BackupState state, String updatedAt, String finishedAt) {
}
