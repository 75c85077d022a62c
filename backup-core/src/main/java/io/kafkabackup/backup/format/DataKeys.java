package io.kafkabackup.backup.format;

/**
 * Finds the data key of an encrypted segment, given the key id its header names: in a backup, by
 * reading the segment's key object and unwrapping it with the key-encryption key it records.
 */
@FunctionalInterface
public interface DataKeys {

  /**
   * Resolves a segment's data key.
   *
   * @param segment the segment's name (its object key)
   * @param keyId the data key's id from the segment's header
   * @return the data key, whose id equals {@code keyId}
   * @throws SegmentKeyException if the key cannot be had: no key object, no key-encryption key
   *     configured, the wrong one, or the key service failing
   */
  DataKey resolve(String segment, byte[] keyId);
}
