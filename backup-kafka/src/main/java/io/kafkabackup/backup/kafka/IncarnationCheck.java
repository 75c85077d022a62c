package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.layout.SourcePartition;

/**
 * What a backup does with a partition whose stored position meets the cluster's view of it: the one
 * place that decides between continuing, starting a new incarnation and stopping. Offsets alone never
 * decide: a topic created again under the same name is recognised by its new topic id.
 */
final class IncarnationCheck {
  private IncarnationCheck() {
  }

  /** The outcome. */
  enum Decision {
    /** Same topic, the stored position is within the log (or below its start: retention, recorded as skipped). */
    CONTINUE,
    /** The topic has another id: close the stored history, back the new topic up from its log start. */
    NEW_INCARNATION,
    /** The topic does not exist (deleted, not created again yet): commit what is proven, wait for it. */
    TOPIC_MISSING,
    /**
     * Same topic, but its log ends below the stored position: records the backup holds were removed from
     * the log (an unclean leader election truncated it). The partition's backup stops; nothing is
     * overwritten, skipped or read twice.
     */
    TRUNCATED
  }

  /**
   * Decides.
   *
   * @param storedTopicId the topic id of the incarnation the backup continues, or null when unknown
   *     (a new log, or history written before ids were recorded)
   * @param storedPosition the backup's resume position, {@code -1} when nothing was committed
   * @param currentTopicId the topic's id in the cluster now, or null when the topic does not exist
   * @param logEnd the partition's end offset now (ignored when the topic does not exist)
   * @return what to do
   */
  static Decision decide(String storedTopicId, long storedPosition, String currentTopicId, long logEnd) {
    if (currentTopicId == null) {
      return Decision.TOPIC_MISSING;
    }
    if (storedTopicId != null && !storedTopicId.equals(currentTopicId)) {
      return Decision.NEW_INCARNATION;
    }
    return storedPosition > logEnd ? Decision.TRUNCATED : Decision.CONTINUE;
  }

  /**
   * The error of a {@link Decision#TRUNCATED} partition: one line naming topic, partition, the stored
   * position and the broker's log end.
   *
   * @param backupId the backup
   * @param partition the partition
   * @param topicId the topic id both share, or null when the backup has none recorded
   * @param storedPosition the backup's resume position
   * @param logEnd the broker's log end
   * @return the message
   */
  static String truncatedMessage(String backupId, SourcePartition partition, String topicId, long storedPosition,
      long logEnd) {
    return "backup " + backupId + " partition " + partition + ": the backup holds offsets up to " + storedPosition
        + " but the broker's log " + (topicId == null ? "(its topic id is not recorded in this backup) "
        : "of the same topic (id " + topicId + ") ") + "ends at " + logEnd
        + ": records were removed from the log (an unclean leader election truncated it"
        + (topicId == null ? ", or the topic was created again" : "")
        + "); the backup of this partition stops rather than overwrite, skip or mix offsets — "
        + "continue it under a new backup id";
  }
}
