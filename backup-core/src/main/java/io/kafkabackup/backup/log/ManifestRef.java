package io.kafkabackup.backup.log;

import java.util.List;

/**
 * A manifest as the object that names it summarises it (format 3): where it is, the offset span it
 * covers and what its segments add up to. A reader decides from these figures alone whether it needs
 * to open the manifest (the role of an entry in Iceberg's manifest list): a manifest whose span and
 * timestamps miss a query is never read, and one that lies wholly inside it is counted without being
 * read.
 *
 * @param key the manifest's object key
 * @param level {@code 0} for a manifest that lists segments, {@code n > 0} for one that lists manifests
 *     of level {@code n - 1}
 * @param startOffset the first offset covered
 * @param nextOffset the first offset after the covered span
 * @param segments how many segments it holds (directly or below it)
 * @param records how many records those segments hold
 * @param storedBytes their size in the store
 * @param minTimestamp the smallest of their {@code minTimestamp}s ({@code -1} when a segment has a record
 *     without a timestamp)
 * @param maxTimestamp the largest of their {@code maxTimestamp}s
 * @param maxSegmentUncompressedBytes the largest segment's encoded record bytes before compression
 * @param maxSegmentRecords the largest segment's record count
 */
public record ManifestRef(
    String key, int level, long startOffset, long nextOffset, long segments, long records, long storedBytes,
    long minTimestamp, long maxTimestamp, long maxSegmentUncompressedBytes, long maxSegmentRecords) {

  /**
   * The summary of a level-0 manifest.
   *
   * @param key its key
   * @param startOffset the first offset it covers
   * @param nextOffset the first offset after its span
   * @param segments its segments, in offset order, at least one
   * @return the summary
   */
  static ManifestRef ofSegments(String key, long startOffset, long nextOffset, List<SegmentEntry> segments) {
    long minTs = segments.stream().mapToLong(SegmentEntry::minTimestamp).min().orElse(-1);
    return new ManifestRef(key, 0, startOffset, nextOffset, segments.size(),
        segments.stream().mapToLong(SegmentEntry::recordCount).sum(),
        segments.stream().mapToLong(SegmentEntry::storedBytes).sum(), minTs,
        segments.stream().mapToLong(SegmentEntry::maxTimestamp).max().orElse(-1),
        segments.stream().mapToLong(SegmentEntry::uncompressedBytes).max().orElse(0),
        segments.stream().mapToLong(SegmentEntry::recordCount).max().orElse(0));
  }

  /**
   * The summary of a manifest that lists others.
   *
   * @param key its key
   * @param children the manifests it lists, in offset order, all one level below it
   * @return the summary
   */
  static ManifestRef ofChildren(String key, List<ManifestRef> children) {
    long minTs = children.stream().mapToLong(ManifestRef::minTimestamp).min().orElse(-1);
    return new ManifestRef(key, children.get(0).level() + 1, children.get(0).startOffset(),
        children.get(children.size() - 1).nextOffset(), children.stream().mapToLong(ManifestRef::segments).sum(),
        children.stream().mapToLong(ManifestRef::records).sum(),
        children.stream().mapToLong(ManifestRef::storedBytes).sum(), minTs,
        children.stream().mapToLong(ManifestRef::maxTimestamp).max().orElse(-1),
        children.stream().mapToLong(ManifestRef::maxSegmentUncompressedBytes).max().orElse(0),
        children.stream().mapToLong(ManifestRef::maxSegmentRecords).max().orElse(0));
  }
}
