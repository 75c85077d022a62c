package io.kafkabackup.backup.log;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the manifests of one checkpoint: the segments committed since the last checkpoint go into
 * level-0 manifests, and every {@value #FANOUT} manifests of one level at the end of the list are
 * summarised by one of the next level. The manifests an incarnation names thus form a handful of
 * trees whose sizes are powers of {@value #FANOUT} (a binary counter in base {@value #FANOUT}): a
 * checkpoint names at most {@code FANOUT - 1} manifests per level, and each checkpoint writes one new
 * level-0 manifest plus, now and then, one of each higher level. Nothing already written is rewritten.
 */
final class ManifestWriter {
  /** Manifests of one level that one manifest of the next level summarises. */
  static final int FANOUT = 16;
  /** Segments a level-0 manifest holds at most (a format-2 history is split into manifests of this size). */
  static final int SEGMENTS_PER_MANIFEST = 64;

  private final StorageBackend storage;
  private final String backupId;
  private final SourcePartition partition;
  private final String writerId;
  private final long checkpointSequence;
  private int written;

  ManifestWriter(StorageBackend storage, String backupId, SourcePartition partition, String writerId,
      long checkpointSequence) {
    this.storage = storage;
    this.backupId = backupId;
    this.partition = partition;
    this.writerId = writerId;
    this.checkpointSequence = checkpointSequence;
  }

  /** How many manifests this checkpoint wrote. */
  int written() {
    return written;
  }

  /**
   * Moves an incarnation's tail into manifests.
   *
   * @param incarnation the incarnation
   * @return it with an empty tail, or itself when the tail is empty
   */
  Incarnation flush(Incarnation incarnation) {
    List<SegmentEntry> tail = incarnation.tailSegments();
    if (tail.isEmpty()) {
      return incarnation;
    }
    List<ManifestRef> refs = new ArrayList<>(incarnation.manifests());
    for (int from = 0; from < tail.size(); from += SEGMENTS_PER_MANIFEST) {
      int to = Math.min(tail.size(), from + SEGMENTS_PER_MANIFEST);
      List<SegmentEntry> chunk = tail.subList(from, to);
      // Spans are contiguous: the first manifest starts where the history ended, each one ends where the
      // next starts, and the last ends at the resume position (spans without records included).
      long start = from == 0 ? incarnation.tailStart() : chunk.get(0).startOffset();
      long next = to == tail.size() ? incarnation.nextOffset() : tail.get(to).startOffset();
      String key = write(start, new Manifest(Manifest.FORMAT, 0, incarnation.topicId(), start, next, chunk, null));
      refs.add(ManifestRef.ofSegments(key, start, next, chunk));
      rollUp(refs, incarnation.topicId());
    }
    return incarnation.withManifests(refs, false);
  }

  /** While the last {@link #FANOUT} manifests share a level, summarises them in one of the next level. */
  private void rollUp(List<ManifestRef> refs, String topicId) {
    while (refs.size() >= FANOUT) {
      List<ManifestRef> last = refs.subList(refs.size() - FANOUT, refs.size());
      int level = last.get(0).level();
      if (last.stream().anyMatch(r -> r.level() != level)) {
        return;
      }
      List<ManifestRef> children = List.copyOf(last);
      long start = children.get(0).startOffset();
      String key = write(start, new Manifest(Manifest.FORMAT, level + 1, topicId, start,
          children.get(children.size() - 1).nextOffset(), null, children));
      last.clear();
      refs.add(ManifestRef.ofChildren(key, children));
    }
  }

  private String write(long startOffset, Manifest manifest) {
    String key = BackupLayout.manifest(backupId, partition, startOffset, writerId, checkpointSequence, written++)
        .value();
    // Only this writer, for this checkpoint sequence, ever writes this key; a retry after a lost answer
    // writes the same content again.
    storage.put(ObjectKey.of(key), BackupJson.write(manifest), PutOptions.overwrite());
    return key;
  }
}
