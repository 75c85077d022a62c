package io.kafkabackup.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * What {@link BuildCache#restore} did.
 *
 * @param key the exact key asked for
 * @param entry the entry installed, whose {@link CacheEntry#key()} says which key or restore key matched;
 *     empty on a miss
 * @param took how long the restore took
 */
public record RestoreResult(String key, Optional<CacheEntry> entry, Duration took) {

  /**
   * Whether an entry was found and installed.
   *
   * @return {@code true} on a hit
   */
  public boolean hit() {
    return entry.isPresent();
  }

  /**
   * Whether the entry installed is the exact key's rather than a restore key's match.
   *
   * @return {@code true} on an exact hit
   */
  public boolean exact() {
    return entry.map(e -> e.key().equals(key)).orElse(false);
  }
}
