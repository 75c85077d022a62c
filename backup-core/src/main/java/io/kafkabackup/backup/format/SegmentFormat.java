package io.kafkabackup.backup.format;

import java.nio.charset.StandardCharsets;

/**
 * The constants of segment format version 1, documented byte by byte in {@code docs/format.md}. All
 * integers are big-endian.
 *
 * <pre>
 * segment = header block* footer
 * header  = "KBSG" version:u8 codec:u8 reserved:u16
 * block   = 'B' recordCount:i32 uncompressedLength:i32 storedLength:i32 crc32c:u32 stored[storedLength]
 * footer  = 'F' firstOffset:i64 lastOffset:i64 recordCount:i64 minTimestamp:i64 maxTimestamp:i64
 *           uncompressedBytes:i64 blockCount:i32 crc32c:u32 "KBSE"
 * </pre>
 */
final class SegmentFormat {
  static final byte[] MAGIC = "KBSG".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END_MAGIC = "KBSE".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER_BYTES = 8;
  static final int BLOCK = 'B';
  static final int FOOTER = 'F';
  /** Type byte, six longs and an int, all covered by the footer's CRC32C. */
  static final int FOOTER_BODY_BYTES = 1 + 6 * 8 + 4;
  /** Bytes a record takes besides its key, value and headers. */
  static final int RECORD_FIXED_BYTES = 8 + 8 + 1 + 4 + 4 + 4;

  private SegmentFormat() {
  }
}
