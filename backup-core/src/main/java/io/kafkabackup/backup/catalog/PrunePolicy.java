package io.kafkabackup.backup.catalog;

import java.time.Duration;

/**
 * What to prune. A backup is kept if either rule keeps it; a backup that a job is running never is
 * pruned.
 *
 * @param keepLast keep this many newest finished backups (null: no such rule)
 * @param olderThan delete finished backups created longer ago than this (null: no such rule)
 * @param orphanGrace delete orphan segments only when older than this, so a segment a running job has
 *     just written and is about to commit is never taken
 */
public record PrunePolicy(Integer keepLast, Duration olderThan, Duration orphanGrace) {

  /** The orphan grace period when none is given. */
  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofHours(1);

  /**
   * Validates the policy.
   *
   * @param keepLast newest backups to keep, or null
   * @param olderThan the age limit, or null
   * @param orphanGrace the orphan grace period
   */
  public PrunePolicy {
    if (keepLast != null && keepLast < 0) {
      throw new IllegalArgumentException("keep-last must be >= 0: " + keepLast);
    }
    if (orphanGrace == null) {
      orphanGrace = DEFAULT_ORPHAN_GRACE;
    }
  }
}
