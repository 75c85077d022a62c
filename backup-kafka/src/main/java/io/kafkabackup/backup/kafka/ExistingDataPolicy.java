package io.kafkabackup.backup.kafka;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a restore does with a target topic that already holds records. Decided once, by the first run of
 * a restore id: a run that continues a restore finds its own records there and goes on.
 */
public enum ExistingDataPolicy {
  /** Refuse the restore before anything is written, naming every such topic (the default). */
  @JsonProperty("fail")
  FAIL,
  /** Restore after the records already there. */
  @JsonProperty("append")
  APPEND,
  /** Delete the records already there (Kafka's DeleteRecords up to each partition's end), then restore. */
  @JsonProperty("purge")
  PURGE
}
