package io.kafkabackup.backup.log;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * One incarnation of a topic partition in a backup: the history of the partition while the topic had
 * one Kafka topic id. A topic deleted and created again under the same name gets a new id, and its
 * partitions' offsets start again; the backup then closes the old incarnation as it was and starts a
 * new one, so two topics that shared a name are never mixed into one span.
 *
 * <p>{@code [startOffset, nextOffset)} is the span the incarnation covers, with the same meaning as a
 * whole partition's span had before incarnations: every offset in it is a record of one of its
 * segments, {@code skipped}, or absent from the source log.
 *
 * <p>Its segments are in two places (format 3): {@code manifests}, immutable objects that a checkpoint
 * wrote and that hold the older history, summarised here; and {@code tailSegments}, the segments
 * committed since, in the writer's heap until the next checkpoint moves them into a manifest. A state
 * read from a format-1 or format-2 log has every segment in its tail. Readers get the segments through
 * {@link PartitionHistory}, which opens only the manifests a query needs.
 *
 * @param topicId the Kafka topic id (base64, as Kafka prints it), or null when unknown (format-1 history)
 * @param topicIdFrom {@code -1} when the id holds for the whole incarnation; otherwise the first offset
 *     it is known for: the resume position at which a writer adopted it for a history written without
 *     ids (format 1), whose earlier offsets have no recorded id
 * @param openedAt when the incarnation's first commit was written (ISO-8601), or null when unknown
 * @param closedAt when a newer incarnation replaced it (ISO-8601), or null while it is the current one
 * @param startOffset the first offset covered, {@code -1} if nothing is covered yet
 * @param nextOffset where a backup of this incarnation resumes, {@code -1} if nothing is covered yet
 * @param manifests the manifests holding its older segments, in offset order, contiguous, starting at
 *     {@code startOffset}
 * @param tailSegments the segments committed after the last manifest, in offset order (JSON:
 *     {@code segments})
 * @param skipped offset ranges lost before they could be read (retention)
 */
public record Incarnation(
    String topicId, long topicIdFrom, String openedAt, String closedAt, long startOffset, long nextOffset,
    List<ManifestRef> manifests, @JsonProperty("segments") List<SegmentEntry> tailSegments,
    List<OffsetRange> skipped) {

  /** The incarnation of a partition nobody has written. */
  public static final Incarnation NONE = new Incarnation(null, -1, null, null, -1, -1, List.of(), List.of(),
      List.of());

  /**
   * A new incarnation that nothing has been committed to yet.
   *
   * @param topicId its topic id, or null when unknown
   * @param openedAt when it was opened
   * @param startOffset where its backup starts, or {@code -1} when the first commit will tell
   * @return the incarnation
   */
  public static Incarnation open(String topicId, String openedAt, long startOffset) {
    return new Incarnation(topicId, -1, openedAt, null, startOffset, startOffset, List.of(), List.of(), List.of());
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
   * @param manifests the manifests
   * @param tailSegments the segments after them
   * @param skipped the lost ranges
   */
  public Incarnation {
    manifests = List.copyOf(manifests == null ? List.of() : manifests);
    tailSegments = List.copyOf(tailSegments == null ? List.of() : tailSegments);
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
        nextOffset, manifests, tailSegments, skipped);
  }

  /** This incarnation with one more committed span. */
  Incarnation append(long spanStart, long spanNext, SegmentEntry segment, List<OffsetRange> lost) {
    List<SegmentEntry> moreSegments = tailSegments;
    if (segment != null) {
      moreSegments = new ArrayList<>(tailSegments);
      moreSegments.add(segment);
    }
    List<OffsetRange> moreSkipped = skipped;
    if (lost != null && !lost.isEmpty()) {
      moreSkipped = new ArrayList<>(skipped);
      moreSkipped.addAll(lost);
    }
    return new Incarnation(topicId, topicIdFrom, openedAt, closedAt, startOffset < 0 ? spanStart : startOffset,
        spanNext, manifests, moreSegments, moreSkipped);
  }

  /** This incarnation, closed at {@code when}. */
  Incarnation close(String when) {
    return new Incarnation(topicId, topicIdFrom, openedAt, when, startOffset, nextOffset, manifests, tailSegments,
        skipped);
  }

  /**
   * This incarnation with its history held as {@code newManifests} and nothing in the tail (after a
   * checkpoint moved the tail into manifests, or retention dropped the oldest ones). Its span starts at
   * the first manifest, or is empty at {@code nextOffset} when none is left; lost ranges before the
   * start are forgotten.
   */
  Incarnation withManifests(List<ManifestRef> newManifests, boolean dropped) {
    long start = startOffset;
    List<OffsetRange> keptSkipped = skipped;
    if (dropped) {
      start = newManifests.isEmpty() ? nextOffset : newManifests.get(0).startOffset();
      long from = start;
      keptSkipped = skipped.stream().filter(r -> r.to() > from).collect(Collectors.toList());
    }
    return new Incarnation(topicId, topicIdFrom, openedAt, closedAt, start, nextOffset, newManifests, List.of(),
        keptSkipped);
  }

  /**
   * Where the tail starts: the end of the last manifest, or the incarnation's start.
   *
   * @return the offset
   */
  public long tailStart() {
    return manifests.isEmpty() ? startOffset : manifests.get(manifests.size() - 1).nextOffset();
  }

  /**
   * Tells whether the incarnation covers no offset at all (nothing committed, nothing skipped).
   *
   * @return whether it holds nothing
   */
  public boolean coversNothing() {
    return manifests.isEmpty() && tailSegments.isEmpty() && skipped.isEmpty()
        && (nextOffset < 0 || nextOffset == startOffset);
  }

  /**
   * Committed segments, in manifests and in the tail.
   *
   * @return how many
   */
  public long segmentCount() {
    return manifests.stream().mapToLong(ManifestRef::segments).sum() + tailSegments.size();
  }

  /**
   * Records held by the committed segments.
   *
   * @return the sum of their record counts
   */
  public long recordCount() {
    return manifests.stream().mapToLong(ManifestRef::records).sum()
        + tailSegments.stream().mapToLong(SegmentEntry::recordCount).sum();
  }

  /**
   * Bytes stored by the committed segments.
   *
   * @return the sum of their sizes
   */
  public long storedBytes() {
    return manifests.stream().mapToLong(ManifestRef::storedBytes).sum()
        + tailSegments.stream().mapToLong(SegmentEntry::storedBytes).sum();
  }

  /**
   * The smallest record timestamp of the committed segments.
   *
   * @return the timestamp, {@code -1} if none
   */
  public long minTimestamp() {
    return LongStream.concat(manifests.stream().mapToLong(ManifestRef::minTimestamp),
        tailSegments.stream().mapToLong(SegmentEntry::minTimestamp)).min().orElse(-1);
  }

  /**
   * The largest record timestamp of the committed segments.
   *
   * @return the timestamp, {@code -1} if none
   */
  public long maxTimestamp() {
    return LongStream.concat(manifests.stream().mapToLong(ManifestRef::maxTimestamp),
        tailSegments.stream().mapToLong(SegmentEntry::maxTimestamp)).max().orElse(-1);
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
