package io.kafkabackup.backup.kafka;

/** When a backup job stops. */
public enum BackupMode {
  /** Copy up to the end offsets seen when the job starts, then finish: a point-in-time backup. */
  SNAPSHOT,
  /** Follow the topics until stopped, rotating segments by size, age and record count. */
  CONTINUOUS
}
