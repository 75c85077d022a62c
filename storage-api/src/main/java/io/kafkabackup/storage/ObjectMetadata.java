package io.kafkabackup.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a backend knows about a stored object.
 *
 * @param key the object's key, relative to the backend's prefix
 * @param size the length in bytes
 * @param etag an opaque version tag: it changes whenever the object is written, and is what
 *     {@link WriteMode#ifMatch(String)} expects
 * @param lastModified when the current version was written
 * @param contentType the stored MIME type
 * @param userMetadata the user metadata written with the object, sorted by name
 */
public record ObjectMetadata(
    ObjectKey key, long size, String etag, Instant lastModified, String contentType,
    Map<String, String> userMetadata) {

  /**
   * Validates and copies the fields.
   *
   * @param key the key
   * @param size the length in bytes
   * @param etag the version tag
   * @param lastModified the write time
   * @param contentType the MIME type
   * @param userMetadata the user metadata
   */
  public ObjectMetadata {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(contentType, "contentType");
    userMetadata = Map.copyOf(userMetadata);
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0");
    }
  }
}
