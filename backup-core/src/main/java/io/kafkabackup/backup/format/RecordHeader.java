package io.kafkabackup.backup.format;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record header: a text key and a value that may be null.
 *
 * @param key the header key
 * @param value the header value, or {@code null}
 */
public record RecordHeader(String key, byte[] value) {

  /**
   * Validates the key.
   *
   * @param key the header key
   * @param value the header value, or {@code null}
   */
  public RecordHeader {
    Objects.requireNonNull(key, "key");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + (value == null ? "null" : value.length + " bytes");
  }
}
