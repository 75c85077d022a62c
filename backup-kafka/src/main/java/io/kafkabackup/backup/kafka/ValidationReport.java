package io.kafkabackup.backup.kafka;

import java.util.List;

/**
 * Evidence that a restore equals its backup: for each partition compared, the records the backup's
 * selection holds and those the target holds, each summed up by an order-sensitive SHA-256 over key,
 * value, headers and timestamp, and every difference found, by partition and offset. Written as JSON by
 * {@code kafka-backup validate-restore}, and signed when a signing key is configured.
 *
 * @param format the report format, {@value #FORMAT}
 * @param backupId the backup compared with
 * @param targetClusterId the id of the cluster read
 * @param selection the selection and mapping, as the restore was given them
 * @param startedAt when the comparison started (ISO-8601)
 * @param millis how long it took
 * @param partitions one entry per compared partition
 * @param differences what differs, at most {@value RestoreValidation#MAX_DIFFERENCES_PER_PARTITION} per partition
 * @param differenceCount every difference found, listed or not
 */
public record ValidationReport(int format, String backupId, String targetClusterId, Selection selection,
    String startedAt, long millis, List<PartitionResult> partitions, List<Difference> differences,
    long differenceCount) {

  /** The version written by this code. */
  public static final int FORMAT = 1;

  /**
   * Tells whether the target equals the backup's selection.
   *
   * @return whether no difference was found
   */
  public boolean ok() {
    return differenceCount == 0;
  }

  /**
   * What was compared.
   *
   * @param topics source topic to target topic
   * @param partitionMapping keep or key-hash
   * @param fromOffset the first source offset selected
   * @param toOffset the last source offset selected
   * @param fromTimestamp the earliest record timestamp selected
   * @param toTimestamp the latest record timestamp selected
   * @param timestampsCompared false where a target topic stamps records on append (LogAppendTime)
   */
  public record Selection(java.util.Map<String, String> topics, String partitionMapping, long fromOffset,
      long toOffset, long fromTimestamp, long toTimestamp, boolean timestampsCompared) {
  }

  /**
   * One partition's comparison. Under the keep mapping a source partition is compared with the target
   * partition of the same number, record by record; under key-hash each target partition is compared
   * key by key with the records the mapping sends it ({@code sourcePartition} is {@code -1}).
   *
   * @param sourceTopic the backed-up topic
   * @param sourcePartition the source partition, or {@code -1} under key-hash
   * @param targetTopic the restored topic
   * @param targetPartition the target partition
   * @param expectedRecords records the backup's selection holds for it
   * @param restoredRecords records the target holds
   * @param sourceOffsets the first and last source offsets compared ({@code [-1, -1]} if none)
   * @param targetOffsets the first and last target offsets compared ({@code [-1, -1]} if none)
   * @param expectedDigest hex SHA-256 of the expected records, in order (under key-hash: per key, keys sorted)
   * @param restoredDigest the same over the restored records
   */
  public record PartitionResult(String sourceTopic, int sourcePartition, String targetTopic, int targetPartition,
      long expectedRecords, long restoredRecords, long[] sourceOffsets, long[] targetOffsets, String expectedDigest,
      String restoredDigest) {
  }

  /**
   * One difference.
   *
   * @param targetTopic the restored topic
   * @param targetPartition the target partition
   * @param sourceOffset the source record's offset, {@code -1} when the difference has none (an extra record)
   * @param targetOffset the target record's offset, {@code -1} when it has none (a missing record)
   * @param kind {@code differs}, {@code missing}, {@code extra}, {@code duplicate}, {@code reordered} or,
   *     under key-hash, {@code key}
   * @param detail what differs, in words
   */
  public record Difference(String targetTopic, int targetPartition, long sourceOffset, long targetOffset, String kind,
      String detail) {
  }
}
