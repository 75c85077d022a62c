package io.kafkabackup.backup.format;

import java.nio.charset.StandardCharsets;

/**
 * The constants of segment format versions 1 (plain) and 2 (encrypted), documented byte by byte in
 * {@code docs/format.md}. All integers are big-endian.
 *
 * <pre>
 * segment = header block* footer
 * header  = "KBSG" version:u8 codec:u8 reserved:u16 [dataKeyId:16 bytes, version 2]
 * block   = 'B' recordCount:i32 uncompressedLength:i32 storedLength:i32 crc32c:u32 stored[storedLength]
 *           (version 2: stored = AES-256-GCM(compressed) with its 16-byte tag)
 * footer  = 'F' firstOffset:i64 lastOffset:i64 recordCount:i64 minTimestamp:i64 maxTimestamp:i64
 *           uncompressedBytes:i64 blockCount:i32 crc32c:u32 [tag:16 bytes, version 2] "KBSE"
 * </pre>
 */
final class SegmentFormat {
  static final byte[] MAGIC = "KBSG".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END_MAGIC = "KBSE".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int VERSION_ENCRYPTED = 2;
  static final int HEADER_BYTES = 8;
  static final int ENCRYPTED_HEADER_BYTES = HEADER_BYTES + DataKey.ID_BYTES;
  static final int BLOCK = 'B';
  static final int FOOTER = 'F';
  /** Type byte, six longs and an int, all covered by the footer's CRC32C. */
  static final int FOOTER_BODY_BYTES = 1 + 6 * 8 + 4;
  /** Bytes a record takes besides its key, value and headers. */
  static final int RECORD_FIXED_BYTES = 8 + 8 + 1 + 4 + 4 + 4;

  private SegmentFormat() {
  }
}
