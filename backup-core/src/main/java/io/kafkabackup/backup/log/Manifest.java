package io.kafkabackup.backup.log;

import java.util.List;

/**
 * An immutable object holding part of a partition's committed history (format 3): a contiguous span
 * of one incarnation, as the segments committed in it (level 0) or as the manifests that cover it
 * (level 1 and up). A checkpoint names a short list of manifests instead of listing every segment, so
 * its size grows with the logarithm of the history, not with the history.
 *
 * @param format the manifest format, {@value #FORMAT}
 * @param level {@code 0}: {@code segments} is set; higher: {@code children} is set
 * @param topicId the Kafka topic id of the incarnation it belongs to, or null when unknown
 * @param startOffset the first offset covered
 * @param nextOffset the first offset after the covered span
 * @param segments level 0: the committed segments of the span, in offset order
 * @param children level 1 and up: the manifests covering the span, in offset order, each one level lower
 */
public record Manifest(int format, int level, String topicId, long startOffset, long nextOffset,
    List<SegmentEntry> segments, List<ManifestRef> children) {

  /** The version written and read by this code. */
  public static final int FORMAT = 1;

  /**
   * Copies the lists.
   *
   * @param format the format
   * @param level the level
   * @param topicId the topic id or null
   * @param startOffset the first offset covered
   * @param nextOffset the first offset after the span
   * @param segments level 0: the segments
   * @param children level 1 and up: the manifests
   */
  public Manifest {
    segments = segments == null ? List.of() : List.copyOf(segments);
    children = children == null ? List.of() : List.copyOf(children);
  }
}
