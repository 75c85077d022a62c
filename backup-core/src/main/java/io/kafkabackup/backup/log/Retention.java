package io.kafkabackup.backup.log;

import io.kafkabackup.storage.StorageBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides what history a {@link LogPolicy} drops, oldest first, a whole manifest at a time. A manifest
 * of level 1 or more that is only partly droppable is replaced by the manifests it lists (its own
 * object is dropped, not their contents), so retention goes as far as level-0 manifests allow without
 * ever rewriting one.
 */
final class Retention {
  private final LogPolicy policy;
  private final Instant now;
  private final long cutoffMillis;

  Retention(LogPolicy policy, Instant now) {
    this.policy = policy;
    this.now = now;
    this.cutoffMillis = policy.retentionAge() == null ? Long.MIN_VALUE : now.minus(policy.retentionAge()).toEpochMilli();
  }

  /**
   * Tells whether a checkpoint would drop something now: the oldest manifest is past the limits, or
   * a dropped manifest waits for deletion and its delay is over.
   */
  boolean due(List<Incarnation> incarnations, List<ExpiredManifest> expired, Set<String> deleted) {
    if (!policy.retains()) {
      return false;
    }
    if (expired.stream().anyMatch(e -> !deleted.contains(e.key()) && deletable(e))) {
      return true;
    }
    long total = incarnations.stream().mapToLong(Incarnation::storedBytes).sum();
    return incarnations.stream().filter(i -> !i.manifests().isEmpty()).findFirst()
        .map(i -> dropsWhole(i.manifests().get(0), total) || splits(i.manifests().get(0), total)).orElse(false);
  }

  /** Whether a dropped manifest's objects may be deleted now. */
  boolean deletable(ExpiredManifest expired) {
    return !Instant.parse(expired.expiredAt()).plus(policy.deleteDelay()).isAfter(now);
  }

  /**
   * Drops what the policy no longer keeps.
   *
   * @param storage where the manifests are (a manifest that is split is read)
   * @param incarnations every incarnation, oldest first, with empty tails
   * @param dropped receives the manifests taken out of the history
   * @return the incarnations kept, as they are after the drop
   */
  List<Incarnation> apply(StorageBackend storage, List<Incarnation> incarnations, List<ExpiredManifest> dropped) {
    if (!policy.retains()) {
      return incarnations;
    }
    String when = now.toString();
    long total = incarnations.stream().mapToLong(Incarnation::storedBytes).sum();
    List<Incarnation> kept = new ArrayList<>();
    boolean done = false;
    for (int i = 0; i < incarnations.size(); i++) {
      Incarnation incarnation = incarnations.get(i);
      if (done) {
        kept.add(incarnation);
        continue;
      }
      List<ManifestRef> refs = new ArrayList<>(incarnation.manifests());
      boolean droppedData = false;
      boolean changed = false;
      while (!refs.isEmpty()) {
        ManifestRef front = refs.get(0);
        if (dropsWhole(front, total)) {
          refs.remove(0);
          total -= front.storedBytes();
          dropped.add(new ExpiredManifest(front.key(), true, when));
          droppedData = true;
        } else if (splits(front, total)) {
          refs.remove(0);
          refs.addAll(0, PartitionHistory.read(storage, front).children());
          dropped.add(new ExpiredManifest(front.key(), false, when));
          changed = true;
        } else {
          done = true;
          break;
        }
      }
      boolean current = i == incarnations.size() - 1;
      if (droppedData && refs.isEmpty() && !current) {
        continue; // every record of a replaced topic is gone: the incarnation is forgotten
      }
      kept.add(droppedData || changed ? incarnation.withManifests(refs, droppedData) : incarnation);
    }
    return kept;
  }

  /** Whether a manifest goes as a whole: its newest record is too old, or the rest still holds enough. */
  private boolean dropsWhole(ManifestRef ref, long total) {
    return ref.maxTimestamp() < cutoffMillis
        || policy.retentionBytes() != null && total - ref.storedBytes() >= policy.retentionBytes();
  }

  /** Whether a manifest of manifests may hold something to drop, so it is worth opening. */
  private boolean splits(ManifestRef ref, long total) {
    return ref.level() > 0 && (ref.minTimestamp() < cutoffMillis
        || policy.retentionBytes() != null && total > policy.retentionBytes());
  }
}
