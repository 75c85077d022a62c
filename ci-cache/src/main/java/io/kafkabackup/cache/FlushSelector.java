package io.kafkabackup.cache;

import java.time.Duration;
import java.time.Instant;

/** Which entries {@link BuildCache#flush} removes. */
public sealed interface FlushSelector {

  /**
   * Whether an entry is selected.
   *
   * @param entry the entry as listed
   * @param now the current time
   * @return {@code true} to remove it
   */
  boolean selects(EntrySummary entry, Instant now);

  /**
   * The listing prefix (a key prefix) that holds every selected entry.
   *
   * @return a key prefix, empty for all entries
   */
  String keyPrefix();

  /**
   * Exactly one key.
   *
   * @param key the cache key
   */
  record Key(String key) implements FlushSelector {
    @Override
    public boolean selects(EntrySummary entry, Instant now) {
      return entry.key().equals(key);
    }

    @Override
    public String keyPrefix() {
      return key;
    }
  }

  /**
   * Every key that starts with a prefix.
   *
   * @param prefix the key prefix
   */
  record Prefix(String prefix) implements FlushSelector {
    @Override
    public boolean selects(EntrySummary entry, Instant now) {
      return entry.key().startsWith(prefix);
    }

    @Override
    public String keyPrefix() {
      return prefix;
    }
  }

  /**
   * Every entry saved longer ago than an age.
   *
   * @param age the age
   */
  record OlderThan(Duration age) implements FlushSelector {
    @Override
    public boolean selects(EntrySummary entry, Instant now) {
      return entry.savedAt().isBefore(now.minus(age));
    }

    @Override
    public String keyPrefix() {
      return "";
    }
  }
}
