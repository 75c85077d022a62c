package io.kafkabackup.backup.catalog;

import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.backup.model.BackupStatus;
import io.kafkabackup.backup.model.SecuritySnapshot;
import java.util.List;

/**
 * Everything the catalog knows about one backup.
 *
 * @param descriptor what the backup is
 * @param status the latest job's status (null if none was written)
 * @param topics its topics, by name
 * @param groupSnapshots how many consumer-group snapshots it holds
 * @param security the ACLs and client quotas kept with it (null when none were kept)
 */
public record BackupDescription(
    BackupDescriptor descriptor, BackupStatus status, List<TopicSummary> topics, int groupSnapshots,
    SecuritySnapshot security) {

  /**
   * Records stored.
   *
   * @return the sum over all topics
   */
  public long records() {
    return topics.stream().mapToLong(TopicSummary::records).sum();
  }

  /**
   * Bytes stored in segments.
   *
   * @return the sum over all topics
   */
  public long storedBytes() {
    return topics.stream().mapToLong(TopicSummary::storedBytes).sum();
  }
}
