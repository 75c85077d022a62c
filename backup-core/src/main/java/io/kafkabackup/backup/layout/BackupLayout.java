package io.kafkabackup.backup.layout;

import io.kafkabackup.storage.ObjectKey;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that builds every object key of a backup, relative to the storage's prefix
 * ({@code storage.prefix}):
 *
 * <pre>
 * {backup-id}/backup.json                                   descriptor, written once (create-only)
 * {backup-id}/status.json                                   state and progress, replaced with if-match
 * {backup-id}/topics/{topic}/topic.json                     partition count and configs (newest incarnation)
 * {backup-id}/topics/{topic}/incarnations/{topic-id}.json   the same, of each incarnation
 * {backup-id}/topics/{topic}/{partition}/log/{seq:020}.json commit log, each object create-only
 * {backup-id}/topics/{topic}/{partition}/segments/{first-offset:020}-{writer}.kbseg
 * {backup-id}/groups/{epoch-millis:020}.json                consumer-group offsets snapshot
 * </pre>
 *
 * <p>Zero-padded numbers make the store's lexicographic listing order the numeric order, so segment
 * keys sort by offset and commits by sequence. Kafka topic names ({@code [a-zA-Z0-9._-]}, up to 249
 * characters, never {@code .} or {@code ..}) are valid key segments as they are.
 */
public final class BackupLayout {
  /** Backup ids: letters, digits, dot, underscore and dash, up to 128 characters, not starting with a dot. */
  private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  /** Kafka prints a topic id as 22 characters of URL-safe base64. */
  private static final Pattern TOPIC_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})-([A-Za-z0-9]+)\\.kbseg");
  /** Commits and group snapshots: a zero-padded number (a sequence, epoch milliseconds) and {@code .json}. */
  private static final Pattern NUMBERED_JSON = Pattern.compile("(\\d{20})\\.json");
  /** The name of every backup's descriptor. */
  public static final String DESCRIPTOR = "backup.json";

  private BackupLayout() {
  }

  /**
   * Checks a backup id.
   *
   * @param backupId the id
   * @return the id
   * @throws IllegalArgumentException naming the id and the rule
   */
  public static String checkBackupId(String backupId) {
    if (backupId == null || !BACKUP_ID.matcher(backupId).matches()) {
      throw new IllegalArgumentException("backup id '" + backupId
          + "' must be 1 to 128 letters, digits, '.', '_' or '-' and must not start with '.'");
    }
    return backupId;
  }

  /**
   * Checks a Kafka topic name.
   *
   * @param topic the name
   * @return the name
   * @throws IllegalArgumentException naming the topic and the rule
   */
  public static String checkTopic(String topic) {
    if (topic == null || !TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("topic name '" + topic
          + "' is not a legal Kafka topic name (1 to 249 of [a-zA-Z0-9._-], not '.' or '..')");
    }
    return topic;
  }

  /**
   * The prefix every object of a backup starts with.
   *
   * @param backupId the backup
   * @return {@code {backup-id}/}
   */
  public static String backupPrefix(String backupId) {
    return checkBackupId(backupId) + "/";
  }

  /**
   * The backup's descriptor.
   *
   * @param backupId the backup
   * @return its key
   */
  public static ObjectKey descriptor(String backupId) {
    return ObjectKey.of(backupPrefix(backupId) + DESCRIPTOR);
  }

  /**
   * The backup's status object.
   *
   * @param backupId the backup
   * @return its key
   */
  public static ObjectKey status(String backupId) {
    return ObjectKey.of(backupPrefix(backupId) + "status.json");
  }

  /**
   * The ACLs and client quotas the backup's latest run found.
   *
   * @param backupId the backup
   * @return its key
   */
  public static ObjectKey security(String backupId) {
    return ObjectKey.of(backupPrefix(backupId) + "security.json");
  }

  /**
   * The prefix under which every topic of a backup lies.
   *
   * @param backupId the backup
   * @return {@code {backup-id}/topics/}
   */
  public static String topicsPrefix(String backupId) {
    return backupPrefix(backupId) + "topics/";
  }

  /**
   * The object holding a topic's partition count and configs.
   *
   * @param backupId the backup
   * @param topic the topic
   * @return its key
   */
  public static ObjectKey topicDescription(String backupId, String topic) {
    return ObjectKey.of(topicsPrefix(backupId) + checkTopic(topic) + "/topic.json");
  }

  /**
   * The object holding the partition count and configs of one incarnation of a topic.
   *
   * @param backupId the backup
   * @param topic the topic
   * @param topicId the incarnation's Kafka topic id
   * @return its key
   */
  public static ObjectKey incarnationDescription(String backupId, String topic, String topicId) {
    if (topicId == null || !TOPIC_ID.matcher(topicId).matches()) {
      throw new IllegalArgumentException("topic id '" + topicId + "' is not a Kafka topic id");
    }
    return ObjectKey.of(topicPrefix(backupId, topic) + "incarnations/" + topicId + ".json");
  }

  /**
   * The prefix of a topic's partitions.
   *
   * @param backupId the backup
   * @param topic the topic
   * @return {@code {backup-id}/topics/{topic}/}
   */
  public static String topicPrefix(String backupId, String topic) {
    return topicsPrefix(backupId) + checkTopic(topic) + "/";
  }

  private static String partitionPrefix(String backupId, SourcePartition partition) {
    return topicPrefix(backupId, partition.topic()) + partition.partition() + "/";
  }

  /**
   * The prefix of a partition's commit log.
   *
   * @param backupId the backup
   * @param partition the partition
   * @return {@code .../{partition}/log/}
   */
  public static String commitLogPrefix(String backupId, SourcePartition partition) {
    return partitionPrefix(backupId, partition) + "log/";
  }

  /**
   * One commit of a partition's log.
   *
   * @param backupId the backup
   * @param partition the partition
   * @param sequence the commit's sequence number
   * @return its key
   */
  public static ObjectKey commit(String backupId, SourcePartition partition, long sequence) {
    return ObjectKey.of(commitLogPrefix(backupId, partition) + pad(sequence) + ".json");
  }

  /**
   * The sequence number of a commit, from its key.
   *
   * @param key a key from {@link #commitLogPrefix} listing
   * @return the sequence, or empty if the key is not a commit
   */
  public static OptionalLong commitSequence(ObjectKey key) {
    Matcher m = NUMBERED_JSON.matcher(key.name());
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  /**
   * The prefix of a partition's segments.
   *
   * @param backupId the backup
   * @param partition the partition
   * @return {@code .../{partition}/segments/}
   */
  public static String segmentsPrefix(String backupId, SourcePartition partition) {
    return partitionPrefix(backupId, partition) + "segments/";
  }

  /**
   * A segment's key. The writer id keeps two writers that start a segment at the same offset (one of
   * them about to be fenced) from ever writing the same object.
   *
   * @param backupId the backup
   * @param partition the partition
   * @param firstOffset the offset the segment starts at
   * @param writerId the writing job's id ({@code [A-Za-z0-9]+})
   * @return its key
   */
  public static ObjectKey segment(String backupId, SourcePartition partition, long firstOffset, String writerId) {
    return ObjectKey.of(segmentsPrefix(backupId, partition) + pad(firstOffset) + "-" + writerId + ".kbseg");
  }

  /**
   * The key object of an encrypted segment: its data key, wrapped, beside it ({@code ….kbkey} for
   * {@code ….kbseg}).
   *
   * @param segment the segment's key
   * @return the key object's key
   */
  public static ObjectKey dataKey(ObjectKey segment) {
    String name = segment.value();
    if (!name.endsWith(".kbseg")) {
      throw new IllegalArgumentException("not a segment: " + name);
    }
    return ObjectKey.of(name.substring(0, name.length() - ".kbseg".length()) + ".kbkey");
  }

  /**
   * Tells whether a key is a segment.
   *
   * @param key any key
   * @return whether its name has a segment's form
   */
  public static boolean isSegment(ObjectKey key) {
    return SEGMENT_NAME.matcher(key.name()).matches();
  }

  /**
   * The prefix of a partition's manifests: immutable objects that hold its committed history (format 3).
   *
   * @param backupId the backup
   * @param partition the partition
   * @return {@code .../{partition}/manifests/}
   */
  public static String manifestsPrefix(String backupId, SourcePartition partition) {
    return partitionPrefix(backupId, partition) + "manifests/";
  }

  /**
   * A manifest's key. The writer id and the sequence of the checkpoint that first names it keep two
   * writers from ever writing the same object; {@code index} tells apart the manifests of one checkpoint.
   *
   * @param backupId the backup
   * @param partition the partition
   * @param startOffset the first offset the manifest covers
   * @param writerId the writing job's id ({@code [A-Za-z0-9]+})
   * @param checkpointSequence the sequence of the checkpoint that will name it
   * @param index its number among the manifests that checkpoint writes
   * @return its key
   */
  public static ObjectKey manifest(String backupId, SourcePartition partition, long startOffset, String writerId,
      long checkpointSequence, int index) {
    return ObjectKey.of(manifestsPrefix(backupId, partition) + pad(startOffset) + "-" + writerId + "-"
        + checkpointSequence + "-" + index + ".json");
  }

  /**
   * The prefix of a backup's consumer-group snapshots.
   *
   * @param backupId the backup
   * @return {@code {backup-id}/groups/}
   */
  public static String groupSnapshotsPrefix(String backupId) {
    return backupPrefix(backupId) + "groups/";
  }

  /**
   * A consumer-group offsets snapshot.
   *
   * @param backupId the backup
   * @param takenAtMillis when it was taken
   * @return its key
   */
  public static ObjectKey groupSnapshot(String backupId, long takenAtMillis) {
    return ObjectKey.of(groupSnapshotsPrefix(backupId) + pad(takenAtMillis) + ".json");
  }

  /**
   * When a consumer-group snapshot was taken, from its key.
   *
   * @param key a key from {@link #groupSnapshotsPrefix} listing
   * @return epoch milliseconds, or empty if the key is not a snapshot
   */
  public static OptionalLong groupSnapshotMillis(ObjectKey key) {
    Matcher m = NUMBERED_JSON.matcher(key.name());
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  private static String pad(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("negative number in a key: " + n);
    }
    return String.format("%020d", n);
  }
}
