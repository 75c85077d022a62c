package io.kafkabackup.backup.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a backup job stands, as its status object says. */
public enum BackupState {
  /** A job is (or was, if it died) writing it. */
  @JsonProperty("running")
  RUNNING,
  /** A snapshot backup reached the end offsets it set out to copy. */
  @JsonProperty("complete")
  COMPLETE,
  /** A continuous backup was stopped cleanly; it can be resumed. */
  @JsonProperty("stopped")
  STOPPED,
  /** The last job failed; what it committed stays valid and a new run resumes from there. */
  @JsonProperty("failed")
  FAILED
}
