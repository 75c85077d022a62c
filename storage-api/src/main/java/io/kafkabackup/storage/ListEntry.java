package io.kafkabackup.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a listing: an object, or (when listing with a delimiter) a common prefix that stands
 * for every key below it.
 */
public sealed interface ListEntry {

  /**
   * The entry's name relative to the backend's prefix: the object key, or the common prefix ending
   * with {@code /}. Listings are sorted by this name in code-point order.
   *
   * @return the name
   */
  String name();

  /**
   * An object found by the listing.
   *
   * @param key the object's key
   * @param size its length in bytes
   * @param etag its version tag
   * @param lastModified when it was written
   */
  record StoredObject(ObjectKey key, long size, String etag, Instant lastModified) implements ListEntry {
    /**
     * Validates the fields.
     *
     * @param key the object's key
     * @param size its length in bytes
     * @param etag its version tag
     * @param lastModified when it was written
     */
    public StoredObject {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(etag, "etag");
      Objects.requireNonNull(lastModified, "lastModified");
    }

    @Override
    public String name() {
      return key.value();
    }
  }

  /**
   * A "directory": every key that starts with {@code prefix}.
   *
   * @param prefix the common prefix, ending with {@code /}
   */
  record Prefix(String prefix) implements ListEntry {
    /**
     * Validates the prefix.
     *
     * @param prefix the common prefix, ending with {@code /}
     */
    public Prefix {
      if (!prefix.endsWith("/")) {
        throw new IllegalArgumentException("common prefix must end with '/': " + prefix);
      }
    }

    @Override
    public String name() {
      return prefix;
    }
  }
}
