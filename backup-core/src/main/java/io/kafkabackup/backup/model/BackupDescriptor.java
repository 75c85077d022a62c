package io.kafkabackup.backup.model;

import java.util.List;

/**
 * What a backup is, written once when it is created ({@code {backup-id}/backup.json}, create-only).
 *
 * @param format the descriptor format ({@value #FORMAT})
 * @param backupId the backup's id
 * @param createdAt when it was created, ISO-8601
 * @param mode {@code snapshot} or {@code continuous}
 * @param sourceCluster the source cluster's id, when the broker reported one
 * @param topics the topic selection as configured (names and patterns)
 */
public record BackupDescriptor(
    int format, String backupId, String createdAt, String mode, String sourceCluster, List<String> topics) {

  /** The version written by this code. */
  public static final int FORMAT = 1;
}
