package io.kafkabackup.backup.format;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Encodes records into one segment, streaming: records collect in one block buffer, and each full
 * block is compressed, checksummed and written to the output at once, so memory stays at about one
 * block whatever the segment's size. {@link #finish()} writes the footer and returns the summary,
 * including the SHA-256 of every byte written.
 *
 * <p>Offsets must increase. The writer does not close the output: the caller commits or aborts it.
 */
public final class SegmentWriter {
  /** The uncompressed size at which a block is written when none is configured. */
  public static final int DEFAULT_BLOCK_BYTES = 1024 * 1024;

  private final OutputStream out;
  private final Codec codec;
  private final int level;
  private final int blockBytes;
  private final MessageDigest sha256;
  private final BlockBuffer block = new BlockBuffer();
  private final DataOutputStream blockData = new DataOutputStream(block);
  private int blockRecords;
  private int blockCount;
  private long recordCount;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private long minTimestamp = Long.MAX_VALUE;
  private long maxTimestamp = Long.MIN_VALUE;
  private long uncompressedBytes;
  private long storedBytes;
  private boolean finished;

  /**
   * Starts a segment by writing its header.
   *
   * @param out where the segment's bytes go
   * @param codec how blocks are compressed
   * @param level the zstd level (ignored by the other codecs)
   * @param blockBytes the uncompressed size at which a block is written
   * @throws IOException if the header cannot be written
   */
  public SegmentWriter(OutputStream out, Codec codec, int level, int blockBytes) throws IOException {
    if (blockBytes <= 0) {
      throw new IllegalArgumentException("blockBytes must be > 0: " + blockBytes);
    }
    this.out = out;
    this.codec = codec;
    this.level = level;
    this.blockBytes = blockBytes;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER_BYTES);
    header.put(SegmentFormat.MAGIC).put((byte) SegmentFormat.VERSION).put((byte) codec.code()).putShort((short) 0);
    emit(header.array(), SegmentFormat.HEADER_BYTES);
  }

  /**
   * Adds a record.
   *
   * @param record the record; its offset must be greater than the previous one's
   * @throws IOException if a full block cannot be written
   */
  public void append(BackupRecord record) throws IOException {
    if (finished) {
      throw new IllegalStateException("segment already finished");
    }
    if (record.offset() <= lastOffset) {
      throw new IllegalArgumentException("offset " + record.offset() + " does not follow " + lastOffset);
    }
    blockData.writeLong(record.offset());
    blockData.writeLong(record.timestamp());
    blockData.writeByte(record.timestampKind().code());
    writeBytes(record.key());
    writeBytes(record.value());
    blockData.writeInt(record.headers().size());
    for (RecordHeader header : record.headers()) {
      byte[] key = header.key().getBytes(StandardCharsets.UTF_8);
      blockData.writeInt(key.length);
      blockData.write(key);
      writeBytes(header.value());
    }
    blockRecords++;
    recordCount++;
    if (firstOffset < 0) {
      firstOffset = record.offset();
    }
    lastOffset = record.offset();
    minTimestamp = Math.min(minTimestamp, record.timestamp());
    maxTimestamp = Math.max(maxTimestamp, record.timestamp());
    if (block.size() >= blockBytes) {
      writeBlock();
    }
  }

  /**
   * How many records were appended.
   *
   * @return the count
   */
  public long recordCount() {
    return recordCount;
  }

  /**
   * How large the segment is so far: bytes written plus the uncompressed bytes still in the open block.
   * Rotation decisions use this.
   *
   * @return an upper estimate of the segment's size
   */
  public long estimatedBytes() {
    return storedBytes + block.size();
  }

  /**
   * Writes the last block and the footer.
   *
   * @return the segment's summary with its SHA-256
   * @throws IOException if writing fails
   */
  public SegmentSummary finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("segment already finished");
    }
    if (blockRecords > 0) {
      writeBlock();
    }
    finished = true;
    long minTs = recordCount == 0 ? -1 : minTimestamp;
    long maxTs = recordCount == 0 ? -1 : maxTimestamp;
    ByteBuffer footer = ByteBuffer.allocate(SegmentFormat.FOOTER_BODY_BYTES + 4 + SegmentFormat.END_MAGIC.length);
    footer.put((byte) SegmentFormat.FOOTER).putLong(firstOffset).putLong(lastOffset).putLong(recordCount)
        .putLong(minTs).putLong(maxTs).putLong(uncompressedBytes).putInt(blockCount);
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, SegmentFormat.FOOTER_BODY_BYTES);
    footer.putInt((int) crc.getValue()).put(SegmentFormat.END_MAGIC);
    emit(footer.array(), footer.capacity());
    return new SegmentSummary(codec, firstOffset, lastOffset, recordCount, minTs, maxTs, uncompressedBytes,
        storedBytes, blockCount, HexFormat.of().formatHex(sha256.digest()));
  }

  private void writeBytes(byte[] bytes) throws IOException {
    if (bytes == null) {
      blockData.writeInt(-1);
    } else {
      blockData.writeInt(bytes.length);
      blockData.write(bytes);
    }
  }

  private void writeBlock() throws IOException {
    int length = block.size();
    byte[] stored = codec.compress(block.array(), length, level);
    CRC32C crc = new CRC32C();
    crc.update(stored);
    ByteBuffer header = ByteBuffer.allocate(17);
    header.put((byte) SegmentFormat.BLOCK).putInt(blockRecords).putInt(length).putInt(stored.length)
        .putInt((int) crc.getValue());
    emit(header.array(), header.capacity());
    emit(stored, stored.length);
    uncompressedBytes += length;
    blockCount++;
    blockRecords = 0;
    block.reset();
    if (block.array().length > 4 * blockBytes) {
      block.shrink(blockBytes);
    }
  }

  private void emit(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
    sha256.update(bytes, 0, length);
    storedBytes += length;
  }

  /** A byte buffer whose array can be compressed without a copy. */
  private static final class BlockBuffer extends ByteArrayOutputStream {
    BlockBuffer() {
      super(64 * 1024);
    }

    byte[] array() {
      return buf;
    }

    /** After an outsized record, gives the memory back. */
    void shrink(int size) {
      buf = new byte[size];
    }
  }
}
