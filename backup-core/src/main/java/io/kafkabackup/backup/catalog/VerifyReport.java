package io.kafkabackup.backup.catalog;

import java.util.List;

/**
 * What {@link BackupCatalog#verify} found.
 *
 * @param backupId the backup
 * @param segmentsChecked committed segments read back whole
 * @param segmentsNotDecrypted of those, encrypted segments checked without key access: their structure,
 *     CRCs, counts and SHA-256 hold, their records were not decrypted
 * @param bytesChecked their bytes
 * @param problems committed segments that are missing, corrupt or differ from their commit
 * @param orphans segment objects no commit names (left by a crash or a fenced writer; prune removes them)
 */
public record VerifyReport(
    String backupId, int segmentsChecked, int segmentsNotDecrypted, long bytesChecked, List<Problem> problems, List<String> orphans) {

  /**
   * Tells whether every committed segment is present and intact.
   *
   * @return true when there are no problems (orphans are not problems)
   */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * One problem with a committed segment or a commit log.
   *
   * @param object the segment's key
   * @param kind {@code missing}, {@code corrupt}, {@code mismatch} or {@code key} (a segment whose data key
   *     cannot be had; {@code object} is its key),
   *     or {@code log} (a partition's commit log is broken — a gap, or a commit whose topic id differs from
   *     its incarnation's; {@code object} is the log's prefix)
   * @param detail what exactly is wrong
   */
  public record Problem(String object, String kind, String detail) {
  }
}
