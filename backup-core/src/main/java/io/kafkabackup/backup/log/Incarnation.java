package io.kafkabackup.backup.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One incarnation of a topic partition in a backup: the history of the partition while the topic had
 * one Kafka topic id. A topic deleted and created again under the same name gets a new id, and its
 * partitions' offsets start again; the backup then closes the old incarnation as it was and starts a
 * new one, so two topics that shared a name are never mixed into one span.
 *
 * <p>{@code [startOffset, nextOffset)} is the span the incarnation covers, with the same meaning as a
 * whole partition's span had before incarnations: every offset in it is a record of one of
 * {@code segments}, {@code skipped}, or absent from the source log.
 *
 * @param topicId the Kafka topic id (base64, as Kafka prints it), or null when unknown (format-1 history)
 * @param topicIdFrom {@code -1} when the id holds for the whole incarnation; otherwise the first offset
 *     it is known for: the resume position at which a writer adopted it for a history written without
 *     ids (format 1), whose earlier offsets have no recorded id
 * @param openedAt when the incarnation's first commit was written (ISO-8601), or null when unknown
 * @param closedAt when a newer incarnation replaced it (ISO-8601), or null while it is the current one
 * @param startOffset the first offset covered, {@code -1} if nothing is covered yet
 * @param nextOffset where a backup of this incarnation resumes, {@code -1} if nothing is covered yet
 * @param segments its committed segments in offset order
 * @param skipped offset ranges lost before they could be read (retention)
 */
public record Incarnation(
    String topicId, long topicIdFrom, String openedAt, String closedAt, long startOffset, long nextOffset,
    List<SegmentEntry> segments, List<OffsetRange> skipped) {

  /** The incarnation of a partition nobody has written. */
  public static final Incarnation NONE = new Incarnation(null, -1, null, null, -1, -1, List.of(), List.of());

  /**
   * A new incarnation that nothing has been committed to yet.
   *
   * @param topicId its topic id, or null when unknown
   * @param openedAt when it was opened
   * @param startOffset where its backup starts, or {@code -1} when the first commit will tell
   * @return the incarnation
   */
  public static Incarnation open(String topicId, String openedAt, long startOffset) {
    return new Incarnation(topicId, -1, openedAt, null, startOffset, startOffset, List.of(), List.of());
  }

  /**
   * Copies the lists.
   *
   * @param topicId the topic id or null
   * @param topicIdFrom where the id is known from
   * @param openedAt when it was opened
   * @param closedAt when it was closed, or null
   * @param startOffset the first covered offset
   * @param nextOffset the resume position
   * @param segments the segments
   * @param skipped the lost ranges
   */
  public Incarnation {
    segments = List.copyOf(segments == null ? List.of() : segments);
    skipped = List.copyOf(skipped == null ? List.of() : skipped);
  }

  /**
   * Tells whether a commit carrying {@code id} may belong to this incarnation.
   *
   * @param id a commit's topic id (null for a format-1 commit)
   * @return whether the ids agree, or either is unknown
   */
  public boolean accepts(String id) {
    return id == null || topicId == null || topicId.equals(id);
  }

  /**
   * This incarnation with its id learnt from a writer that continues a history written without ids.
   *
   * @param id the topic id the writer found
   * @return the incarnation carrying the id from its current position on; unchanged if it had one
   */
  Incarnation adopt(String id) {
    if (topicId != null || id == null) {
      return this;
    }
    return new Incarnation(id, nextOffset > startOffset ? nextOffset : -1, openedAt, closedAt, startOffset,
        nextOffset, segments, skipped);
  }

  /** This incarnation with one more committed span. */
  Incarnation append(long spanStart, long spanNext, SegmentEntry segment, List<OffsetRange> lost) {
    List<SegmentEntry> moreSegments = segments;
    if (segment != null) {
      moreSegments = new ArrayList<>(segments);
      moreSegments.add(segment);
    }
    List<OffsetRange> moreSkipped = skipped;
    if (lost != null && !lost.isEmpty()) {
      moreSkipped = new ArrayList<>(skipped);
      moreSkipped.addAll(lost);
    }
    return new Incarnation(topicId, topicIdFrom, openedAt, closedAt, startOffset < 0 ? spanStart : startOffset,
        spanNext, moreSegments, moreSkipped);
  }

  /** This incarnation, closed at {@code when}. */
  Incarnation close(String when) {
    return new Incarnation(topicId, topicIdFrom, openedAt, when, startOffset, nextOffset, segments, skipped);
  }

  /**
   * Tells whether the incarnation covers no offset at all (nothing committed, nothing skipped).
   *
   * @return whether it holds nothing
   */
  public boolean coversNothing() {
    return segments.isEmpty() && skipped.isEmpty() && (nextOffset < 0 || nextOffset == startOffset);
  }

  /**
   * Records held by the committed segments.
   *
   * @return the sum of their record counts
   */
  public long recordCount() {
    return segments.stream().mapToLong(SegmentEntry::recordCount).sum();
  }

  /**
   * Bytes stored by the committed segments.
   *
   * @return the sum of their sizes
   */
  public long storedBytes() {
    return segments.stream().mapToLong(SegmentEntry::storedBytes).sum();
  }

  /**
   * Tells whether this incarnation has the given topic id.
   *
   * @param id a topic id
   * @return whether it is this incarnation's id
   */
  public boolean hasTopicId(String id) {
    return Objects.equals(topicId, id);
  }
}
