package io.kafkabackup.backup.model;

/**
 * The latest job's view of a backup ({@code {backup-id}/status.json}): informative only — the commit logs
 * are the truth about what is backed up.
 *
 * @param state where the job stands
 * @param writer the job's writer id
 * @param startedAt when the job started, ISO-8601
 * @param updatedAt when the status was last written
 * @param finishedAt when the job ended, or null
 * @param message why it failed, or null
 */
public record BackupStatus(
    BackupState state, String writer, String startedAt, String updatedAt, String finishedAt, String message) {
}
