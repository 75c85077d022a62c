package io.kafkabackup.cache;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@link BuildCache#save} did.
 *
 * @param key the cache key
 * @param saved {@code true} if a new entry was written; {@code false} if one existed and override was off
 * @param entry the written entry, or empty when nothing was saved
 * @param skippedLinks links left out because their target leaves the mount ({@code name -> target})
 * @param took how long the save took
 */
public record SaveResult(String key, boolean saved, Optional<CacheEntry> entry, List<String> skippedLinks,
    Duration took) {

  /**
   * Copies the list.
   *
   * @param key the cache key
   * @param saved whether an entry was written
   * @param entry the written entry
   * @param skippedLinks links left out
   * @param took how long the save took
   */
  public SaveResult {
    skippedLinks = List.copyOf(skippedLinks);
  }
}
