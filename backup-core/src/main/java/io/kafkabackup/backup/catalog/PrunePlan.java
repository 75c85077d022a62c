package io.kafkabackup.backup.catalog;

import java.util.List;

/**
 * What a prune would delete; nothing is deleted until {@link BackupCatalog#executePrune} is called with
 * it, and each item is checked again then.
 *
 * @param backups whole backups to delete, with why
 * @param orphans orphan segment keys to delete (never referenced by a commit, older than the grace period)
 * @param orphanBytes the orphans' total size
 */
public record PrunePlan(List<BackupDeletion> backups, List<String> orphans, long orphanBytes) {

  /**
   * A whole backup to delete.
   *
   * @param backupId the backup
   * @param createdAt when it was created
   * @param reason which rule selected it
   */
  public record BackupDeletion(String backupId, String createdAt, String reason) {
  }
}
