package io.kafkabackup.backup.log;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads the segments of an {@link Incarnation} from its manifests, opening only the manifests a query
 * needs: one whose summary misses the {@link SegmentFilter} is skipped, one wholly inside it is
 * counted from its summary. Segments come lazily, in offset order, so a reader holds one path of
 * manifests at a time, never the whole history.
 */
public final class PartitionHistory {

  private PartitionHistory() {
  }

  /**
   * The segments of an incarnation that a filter accepts, in offset order, read lazily.
   *
   * @param storage where the backup is
   * @param incarnation the incarnation, as a {@link PartitionState} holds it
   * @param filter which segments
   * @return the segments; reading a manifest that is missing or broken throws {@link BackupException}
   */
  public static Stream<SegmentEntry> segments(StorageBackend storage, Incarnation incarnation, SegmentFilter filter) {
    Iterator<SegmentEntry> it = new SegmentIterator(storage, incarnation, filter);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /**
   * What a filter selects of an incarnation, from the manifests' summaries wherever they suffice.
   *
   * @param storage where the backup is
   * @param incarnation the incarnation
   * @param filter which segments
   * @return the counts
   */
  public static Selection select(StorageBackend storage, Incarnation incarnation, SegmentFilter filter) {
    Selection.Builder totals = new Selection.Builder();
    for (ManifestRef ref : incarnation.manifests()) {
      addRef(storage, ref, filter, totals);
    }
    incarnation.tailSegments().stream().filter(filter::accepts).forEach(totals::add);
    return totals.build();
  }

  private static void addRef(StorageBackend storage, ManifestRef ref, SegmentFilter filter, Selection.Builder totals) {
    if (!filter.overlaps(ref)) {
      return;
    }
    if (filter.contains(ref)) {
      totals.add(ref);
      return;
    }
    Manifest manifest = read(storage, ref);
    if (manifest.level() == 0) {
      manifest.segments().stream().filter(filter::accepts).forEach(totals::add);
    } else {
      manifest.children().forEach(child -> addRef(storage, child, filter, totals));
    }
  }

  /**
   * Every object a partition's history names: the keys of its segments (with their key objects, when
   * encrypted) and manifests, and of the manifests retention dropped that are not deleted yet (with what
   * they hold). Reads every manifest;
   * for {@code verify} and {@code prune}, which look at everything anyway.
   *
   * @param storage where the backup is
   * @param state the partition's state
   * @return the keys
   */
  public static Set<String> objects(StorageBackend storage, PartitionState state) {
    Set<String> keys = new HashSet<>();
    for (Incarnation incarnation : state.incarnations()) {
      for (ManifestRef ref : incarnation.manifests()) {
        collect(storage, ref.key(), true, keys);
      }
      incarnation.tailSegments().forEach(s -> addSegment(s.key(), keys));
    }
    for (ExpiredManifest expired : state.expired()) {
      collect(storage, expired.key(), expired.withContents(), keys);
    }
    return keys;
  }

  private static void collect(StorageBackend storage, String key, boolean withContents, Set<String> keys) {
    keys.add(key);
    if (!withContents) {
      return;
    }
    Optional<Manifest> manifest = readIfExists(storage, key);
    if (manifest.isEmpty()) {
      return;
    }
    manifest.get().segments().forEach(s -> addSegment(s.key(), keys));
    manifest.get().children().forEach(child -> collect(storage, child.key(), true, keys));
  }

  /** A segment's key and its key object's: the one an encrypted segment has beside it. */
  private static void addSegment(String segment, Set<String> keys) {
    keys.add(segment);
    keys.add(BackupLayout.dataKey(ObjectKey.of(segment)).value());
  }

  /**
   * Deletes a dropped manifest: what it holds first (when {@code withContents}), itself last, so a
   * deletion cut short is carried on by the next one. Missing objects are already deleted.
   */
  static void delete(StorageBackend storage, ExpiredManifest expired) {
    if (expired.withContents()) {
      Optional<Manifest> manifest = readIfExists(storage, expired.key());
      if (manifest.isPresent()) {
        List<ObjectKey> segments = new ArrayList<>();
        // With their key objects (missing for plain segments, and a missing object is already deleted).
        manifest.get().segments().forEach(s -> {
          segments.add(ObjectKey.of(s.key()));
          segments.add(BackupLayout.dataKey(ObjectKey.of(s.key())));
        });
        storage.deleteAll(segments);
        for (ManifestRef child : manifest.get().children()) {
          delete(storage, new ExpiredManifest(child.key(), true, expired.expiredAt()));
        }
      }
    }
    storage.delete(ObjectKey.of(expired.key()));
  }

  /**
   * Reads a manifest a summary names, and checks that it is the one summarised.
   *
   * @param storage where the backup is
   * @param ref the summary
   * @return the manifest
   * @throws BackupException if it is missing, of a newer format, or differs from its summary
   */
  static Manifest read(StorageBackend storage, ManifestRef ref) {
    Manifest manifest;
    try {
      manifest = readManifest(storage, ref.key());
    } catch (ObjectNotFoundException e) {
      throw new BackupException("manifest '" + ref.key() + "' is named by the commit log but not stored", e);
    }
    if (manifest.level() != ref.level() || manifest.startOffset() != ref.startOffset()
        || manifest.nextOffset() != ref.nextOffset()) {
      throw new BackupException("manifest '" + ref.key() + "' covers [" + manifest.startOffset() + ", "
          + manifest.nextOffset() + ") at level " + manifest.level() + " but its summary says [" + ref.startOffset()
          + ", " + ref.nextOffset() + ") at level " + ref.level());
    }
    return manifest;
  }

  private static Optional<Manifest> readIfExists(StorageBackend storage, String key) {
    try {
      return Optional.of(readManifest(storage, key));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  private static Manifest readManifest(StorageBackend storage, String key) {
    Manifest manifest = BackupJson.read(storage.get(ObjectKey.of(key)), Manifest.class, key);
    if (manifest.format() > Manifest.FORMAT) {
      throw new BackupException("manifest '" + key + "' has format " + manifest.format() + "; this version reads up to "
          + Manifest.FORMAT);
    }
    return manifest;
  }

  /**
   * What a filter selects of an incarnation.
   *
   * @param segments how many segments
   * @param records how many records they hold
   * @param storedBytes their stored size
   * @param maxSegmentUncompressedBytes an upper bound of the largest selected segment's record bytes
   *     (exact when every manifest involved was opened)
   * @param maxSegmentRecords an upper bound of the largest selected segment's record count
   */
  public record Selection(long segments, long records, long storedBytes, long maxSegmentUncompressedBytes,
      long maxSegmentRecords) {

    /** Adds segments and summaries up. */
    static final class Builder {
      private long segments;
      private long records;
      private long bytes;
      private long maxBytes;
      private long maxRecords;

      void add(SegmentEntry s) {
        segments++;
        records += s.recordCount();
        bytes += s.storedBytes();
        maxBytes = Math.max(maxBytes, s.uncompressedBytes());
        maxRecords = Math.max(maxRecords, s.recordCount());
      }

      void add(ManifestRef ref) {
        segments += ref.segments();
        records += ref.records();
        bytes += ref.storedBytes();
        maxBytes = Math.max(maxBytes, ref.maxSegmentUncompressedBytes());
        maxRecords = Math.max(maxRecords, ref.maxSegmentRecords());
      }

      Selection build() {
        return new Selection(segments, records, bytes, maxBytes, maxRecords);
      }
    }
  }

  /** Walks the manifests depth first, opening each only when the walk reaches it. */
  private static final class SegmentIterator implements Iterator<SegmentEntry> {
    private final StorageBackend storage;
    private final SegmentFilter filter;
    private final Deque<Iterator<?>> path = new ArrayDeque<>();
    private SegmentEntry next;

    SegmentIterator(StorageBackend storage, Incarnation incarnation, SegmentFilter filter) {
      this.storage = storage;
      this.filter = filter;
      path.push(incarnation.tailSegments().iterator());
      path.push(incarnation.manifests().iterator());
    }

    @Override
    public boolean hasNext() {
      while (next == null && !path.isEmpty()) {
        Iterator<?> level = path.peek();
        if (!level.hasNext()) {
          path.pop();
          continue;
        }
        Object item = level.next();
        if (item instanceof SegmentEntry segment) {
          if (filter.accepts(segment)) {
            next = segment;
          }
        } else if (item instanceof ManifestRef ref && filter.overlaps(ref)) {
          Manifest manifest = read(storage, ref);
          path.push(manifest.level() == 0 ? manifest.segments().iterator() : manifest.children().iterator());
        }
      }
      return next != null;
    }

    @Override
    public SegmentEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      SegmentEntry result = next;
      next = null;
      return result;
    }
  }
}
