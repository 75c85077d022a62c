package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A source partition's restore position, committed in the same Kafka transaction as the records it
 * accounts for: the committed offset of a restore-specific consumer group is the next source offset to
 * restore, and the offset metadata carries the offset translations found so far and whether the
 * partition is finished. Nothing is kept on local disk, so a restore resumes on any machine.
 *
 * <p>Metadata text: {@code kb1;done=0|1[;topic=ID];map=S:T,S:T} where {@code ID} is the topic id of
 * the incarnation being restored (absent when the backup recorded none, and in restores started before
 * ids were recorded), {@code S} a consumer group's committed source offset and {@code T} the target
 * offset of the first restored record at or after it. It must fit the broker's
 * {@code offset.metadata.max.bytes} (4,096 by default).
 *
 * @param nextSourceOffset the next source offset to restore ({@code 0} when nothing was restored)
 * @param done whether every selected record of the partition was restored
 * @param topicId the topic id of the incarnation the positions belong to, or null
 * @param translations source offset to target offset, for the backed-up consumer groups
 */
record RestoreCheckpoint(long nextSourceOffset, boolean done, String topicId, Map<Long, Long> translations) {
  static final RestoreCheckpoint START = new RestoreCheckpoint(0, false, null, Map.of());

  RestoreCheckpoint {
    translations = Map.copyOf(translations);
  }

  String metadata() {
    StringBuilder sb = new StringBuilder("kb1;done=").append(done ? 1 : 0);
    if (topicId != null) {
      sb.append(";topic=").append(topicId);
    }
    sb.append(";map=");
    new TreeMap<>(translations).forEach((s, t) -> sb.append(s).append(':').append(t).append(','));
    if (sb.charAt(sb.length() - 1) == ',') {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  static RestoreCheckpoint parse(long offset, String metadata, String group) {
    if (metadata == null || !metadata.startsWith("kb1;")) {
      throw new BackupException("restore position group '" + group + "' has metadata this version cannot read: "
          + metadata);
    }
    boolean done = false;
    String topicId = null;
    Map<Long, Long> map = new TreeMap<>();
    for (String field : metadata.substring(4).split(";")) {
      if (field.equals("done=1")) {
        done = true;
      } else if (field.startsWith("topic=")) {
        topicId = field.substring(6);
      } else if (field.startsWith("map=") && field.length() > 4) {
        for (String pair : field.substring(4).split(",")) {
          int colon = pair.indexOf(':');
          map.put(Long.parseLong(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
        }
      }
    }
    return new RestoreCheckpoint(offset, done, topicId, map);
  }
}
