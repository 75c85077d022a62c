package io.kafkabackup.backup.log;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a commit of a partition's log does. */
public enum CommitKind {
  /** A writer takes the partition over; every writer that claimed before it is fenced. */
  @JsonProperty("claim")
  CLAIM,
  /** Adds one segment (or, with none, a span that holds no record) and moves the position. */
  @JsonProperty("segment")
  SEGMENT,
  /**
   * The whole state so far, so that earlier commits can be deleted: format 3 names the manifests that
   * hold the history, formats 1 and 2 list every segment.
   */
  @JsonProperty("checkpoint")
  CHECKPOINT,
  /**
   * Format 2: the topic was deleted and created again (a new topic id). The current incarnation is
   * closed as it is, and a new one starts at the commit's {@code startOffset}.
   */
  @JsonProperty("incarnation")
  INCARNATION
}
