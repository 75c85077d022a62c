package io.kafkabackup.backup.format;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Kafka record as a backup stores it: every field a consumer sees, with a null key or value kept
 * distinct from an empty one.
 *
 * @param offset the record's offset in its source partition
 * @param timestamp the timestamp in epoch milliseconds ({@code -1} when there is none)
 * @param timestampKind how the timestamp was set
 * @param key the key bytes, or {@code null}
 * @param value the value bytes, or {@code null} (a tombstone)
 * @param headers the headers in order; may repeat keys
 */
public record BackupRecord(
    long offset, long timestamp, TimestampKind timestampKind, byte[] key, byte[] value, List<RecordHeader> headers) {

  /**
   * Validates and copies the fields.
   *
   * @param offset the offset
   * @param timestamp the timestamp
   * @param timestampKind the timestamp kind
   * @param key the key or null
   * @param value the value or null
   * @param headers the headers
   */
  public BackupRecord {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0: " + offset);
    }
    Objects.requireNonNull(timestampKind, "timestampKind");
    headers = List.copyOf(headers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackupRecord r && offset == r.offset && timestamp == r.timestamp
        && timestampKind == r.timestampKind && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, timestamp, timestampKind, Arrays.hashCode(key), Arrays.hashCode(value), headers);
  }

  @Override
  public String toString() {
    return "BackupRecord[offset=" + offset + ", timestamp=" + timestamp + " (" + timestampKind + "), key="
        + (key == null ? "null" : key.length + " bytes") + ", value=" + (value == null ? "null" : value.length + " bytes")
        + ", headers=" + headers + "]";
  }
}
