package io.kafkabackup.backup.log;

import java.time.Duration;

/**
 * How a writer keeps a partition's commit log: how often it checkpoints, and how much history a
 * backup keeps (retention inside a backup, the way a Kafka topic's {@code retention.ms} and
 * {@code retention.bytes} work on its log).
 *
 * <p>Retention drops whole manifests from the oldest end of the history, never the newest data: a
 * manifest goes once every record in it is older than {@code retentionAge} (by record timestamp, as
 * Kafka's time retention), or while the partition's history without it still holds at least
 * {@code retentionBytes}. A topic incarnation that retention has emptied is forgotten.
 *
 * @param checkpointInterval commits between two checkpoints, at least 1
 * @param retentionAge how old the newest record of a manifest may grow before it is dropped, or null to
 *     keep history of any age
 * @param retentionBytes how many stored bytes of history a partition keeps at least, or null for no limit
 * @param deleteDelay how long the objects retention dropped stay in the store, so readers that started
 *     before the drop finish undisturbed
 */
public record LogPolicy(int checkpointInterval, Duration retentionAge, Long retentionBytes, Duration deleteDelay) {

  /** Commits between two checkpoints unless configured. */
  public static final int DEFAULT_CHECKPOINT_INTERVAL = 50;
  /** How long dropped objects stay unless configured. */
  public static final Duration DEFAULT_DELETE_DELAY = Duration.ofHours(1);
  /** Checkpoints every {@value #DEFAULT_CHECKPOINT_INTERVAL} commits and keeps all history. */
  public static final LogPolicy KEEP_ALL = new LogPolicy(DEFAULT_CHECKPOINT_INTERVAL, null, null, DEFAULT_DELETE_DELAY);

  /**
   * Validates the settings.
   *
   * @param checkpointInterval commits between checkpoints
   * @param retentionAge the age limit or null
   * @param retentionBytes the size limit or null
   * @param deleteDelay the delay before dropped objects are deleted
   */
  public LogPolicy {
    if (checkpointInterval < 1) {
      throw new IllegalArgumentException("checkpoint interval must be at least 1, not " + checkpointInterval);
    }
    if (retentionAge != null && (retentionAge.isNegative() || retentionAge.isZero())) {
      throw new IllegalArgumentException("retention age must be positive, not " + retentionAge);
    }
    if (retentionBytes != null && retentionBytes < 0) {
      throw new IllegalArgumentException("retention bytes must not be negative, not " + retentionBytes);
    }
    if (deleteDelay == null || deleteDelay.isNegative()) {
      throw new IllegalArgumentException("delete delay must be zero or more, not " + deleteDelay);
    }
  }

  /**
   * Tells whether history is ever dropped.
   *
   * @return whether an age or a size limit is set
   */
  public boolean retains() {
    return retentionAge != null || retentionBytes != null;
  }
}
