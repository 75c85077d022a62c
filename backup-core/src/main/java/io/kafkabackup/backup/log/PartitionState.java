package io.kafkabackup.backup.log;

import java.util.List;
import java.util.Optional;

/**
 * A partition's backup as its commit log says it is: nothing else counts.
 *
 * <p>The history is a list of {@link Incarnation}s, one per Kafka topic id the partition had while it
 * was backed up, oldest first; the last one is current: a writer appends to it, and
 * {@link #startOffset()}, {@link #nextOffset()} and {@link #skipped()} describe it. The segments are read
 * through {@link PartitionHistory}.
 *
 * @param lastSequence the sequence of the newest commit, {@code -1} for an empty log
 * @param owner the writer of the newest claim, or null
 * @param incarnations every incarnation, oldest first; empty for an empty log
 * @param commitsSinceCheckpoint commits after the newest checkpoint (or since the start)
 * @param expired manifests retention dropped whose objects are not deleted yet (format 3)
 */
public record PartitionState(long lastSequence, String owner, List<Incarnation> incarnations,
    int commitsSinceCheckpoint, List<ExpiredManifest> expired) {

  /** The state of a partition nobody has written. */
  public static final PartitionState EMPTY = new PartitionState(-1, null, List.of(), 0, List.of());

  /**
   * Copies the lists.
   *
   * @param lastSequence the newest sequence
   * @param owner the newest claimant
   * @param incarnations every incarnation, oldest first
   * @param commitsSinceCheckpoint commits after the newest checkpoint
   * @param expired dropped manifests not deleted yet
   */
  public PartitionState {
    incarnations = List.copyOf(incarnations);
    expired = List.copyOf(expired);
  }

  /**
   * The incarnation a writer continues.
   *
   * @return the newest incarnation, or {@link Incarnation#NONE} for an empty log
   */
  public Incarnation current() {
    return incarnations.isEmpty() ? Incarnation.NONE : incarnations.get(incarnations.size() - 1);
  }

  /**
   * The incarnation with a topic id.
   *
   * @param topicId a Kafka topic id
   * @return the incarnation, if the partition had that id
   */
  public Optional<Incarnation> incarnation(String topicId) {
    return incarnations.stream().filter(i -> i.hasTopicId(topicId)).findFirst();
  }

  /**
   * The current incarnation's topic id.
   *
   * @return the id, or null when unknown
   */
  public String topicId() {
    return current().topicId();
  }

  /**
   * The first offset the current incarnation covers.
   *
   * @return the offset, {@code -1} if nothing is covered yet
   */
  public long startOffset() {
    return current().startOffset();
  }

  /**
   * Where a backup resumes.
   *
   * @return the current incarnation's next offset, {@code -1} if nothing is covered yet
   */
  public long nextOffset() {
    return current().nextOffset();
  }

  /**
   * The current incarnation's lost ranges.
   *
   * @return offset ranges lost before they could be read
   */
  public List<OffsetRange> skipped() {
    return current().skipped();
  }

  /**
   * Records held by the current incarnation's segments.
   *
   * @return the sum of their record counts
   */
  public long recordCount() {
    return current().recordCount();
  }

  /**
   * Bytes stored by the current incarnation's segments.
   *
   * @return the sum of their sizes
   */
  public long storedBytes() {
    return current().storedBytes();
  }
}
