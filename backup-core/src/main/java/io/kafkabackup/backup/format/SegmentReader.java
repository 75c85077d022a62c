package io.kafkabackup.backup.format;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Decodes a segment as a stream of records, checking everything the format carries: the header, each
 * block's CRC32C and record count, the footer's CRC32C and every figure in it, that nothing follows the
 * footer, and — when the caller knows it — the SHA-256 recorded at commit. Any mismatch is a
 * {@link CorruptSegmentException} naming the segment. Memory stays at about one block.
 *
 * <p>The SHA-256 can only be checked once the last byte is read, and {@link #hasNext()} returns false
 * only after it checked out: a caller that must not act on any record of a corrupt segment holds back
 * what it does with the records until then (the restore keeps them in an open Kafka transaction), or
 * reads the segment once with {@link #verify} first.
 *
 * <p>An encrypted segment (format version 2) is decrypted with the data key that {@link DataKeys}
 * resolves from its header; a block whose tag fails (tampered, swapped, reordered, or from another
 * segment) is corrupt. Without keys it cannot be read, only {@linkplain #verify verified} for its
 * structure: CRCs, the footer's counts and the SHA-256, not its records.
 */
public final class SegmentReader implements Iterator<BackupRecord>, Closeable {
  private final String name;
  private final InputStream source;
  private final DataInputStream in;
  private final MessageDigest sha256;
  private final String expectedSha256;
  private final Codec codec;
  /** Decrypts the blocks; null for a plain segment or when only its structure is checked. */
  private final SegmentCipher cipher;
  private final boolean encrypted;
  private final String dataKeyId;
  private final ArrayDeque<BackupRecord> pending = new ArrayDeque<>();
  private SegmentSummary summary;
  private long records;
  private long uncompressed;
  private long stored;
  private int blocks;
  private long first = -1;
  private long last = -1;
  private long minTs = Long.MAX_VALUE;
  private long maxTs = Long.MIN_VALUE;
  /** One block's stored and plain bytes, reused from block to block. */
  private byte[] storedBlock = new byte[0];
  private byte[] plainBlock = new byte[0];

  private SegmentReader(String name, InputStream source, String expectedSha256, DataKeys keys, boolean structureOnly) {
    this.name = name;
    this.source = source;
    this.expectedSha256 = expectedSha256;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    this.in = new DataInputStream(new DigestInputStream(new BufferedInputStream(source, 64 * 1024), sha256));
    byte[] header = new byte[SegmentFormat.HEADER_BYTES];
    readFully(header, "header");
    if (!Arrays.equals(Arrays.copyOf(header, 4), SegmentFormat.MAGIC)) {
      throw corrupt("not a segment (magic is not KBSG)");
    }
    if (header[4] != SegmentFormat.VERSION && header[4] != SegmentFormat.VERSION_ENCRYPTED) {
      throw corrupt("format version " + header[4] + " is not supported (this reader knows versions "
          + SegmentFormat.VERSION + " and " + SegmentFormat.VERSION_ENCRYPTED + ")");
    }
    try {
      this.codec = Codec.ofCode(header[5]);
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
    this.encrypted = header[4] == SegmentFormat.VERSION_ENCRYPTED;
    if (!encrypted) {
      stored = SegmentFormat.HEADER_BYTES;
      dataKeyId = null;
      cipher = null;
      return;
    }
    byte[] keyId = new byte[DataKey.ID_BYTES];
    readFully(keyId, "header's data key id");
    stored = SegmentFormat.ENCRYPTED_HEADER_BYTES;
    byte[] fullHeader = Arrays.copyOf(header, SegmentFormat.ENCRYPTED_HEADER_BYTES);
    System.arraycopy(keyId, 0, fullHeader, SegmentFormat.HEADER_BYTES, DataKey.ID_BYTES);
    dataKeyId = HexFormat.of().formatHex(keyId);
    if (structureOnly && keys == null) {
      cipher = null;
      return;
    }
    if (keys == null) {
      throw new SegmentKeyException(name, "it is encrypted (data key " + dataKeyId
          + ") and no key-encryption key is configured", null);
    }
    DataKey key = keys.resolve(name, keyId);
    if (!Arrays.equals(key.id(), keyId)) {
      throw new SegmentKeyException(name, "its key object holds data key " + key.idHex() + ", its header names "
          + dataKeyId, null);
    }
    cipher = new SegmentCipher(key, fullHeader);
  }

  /**
   * Opens a segment for reading; the header is read and checked now.
   *
   * @param name the segment's name for error messages (its object key)
   * @param in its bytes; closed by {@link #close()}
   * @param expectedSha256 the hex SHA-256 recorded at commit, or {@code null} not to check it
   * @return the reader
   * @throws CorruptSegmentException if the header is wrong
   */
  public static SegmentReader open(String name, InputStream in, String expectedSha256) {
    return open(name, in, expectedSha256, null);
  }

  /**
   * Opens a segment for reading, plain or encrypted; the header is read and checked now, and an
   * encrypted segment's data key resolved.
   *
   * @param name the segment's name for error messages (its object key)
   * @param in its bytes; closed by {@link #close()}, or here if opening fails
   * @param expectedSha256 the hex SHA-256 recorded at commit, or {@code null} not to check it
   * @param keys resolves an encrypted segment's data key; null if no key-encryption key is configured
   * @return the reader
   * @throws CorruptSegmentException if the header is wrong
   * @throws SegmentKeyException if the segment is encrypted and its data key cannot be had
   */
  public static SegmentReader open(String name, InputStream in, String expectedSha256, DataKeys keys) {
    return create(name, in, expectedSha256, keys, false);
  }

  private static SegmentReader create(String name, InputStream in, String expectedSha256, DataKeys keys,
      boolean structureOnly) {
    try {
      return new SegmentReader(name, in, expectedSha256, keys, structureOnly);
    } catch (RuntimeException e) {
      try {
        in.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Reads a whole segment and checks it, without handing out its records.
   *
   * @param name the segment's name for error messages
   * @param in its bytes; closed here
   * @param expectedSha256 the hex SHA-256 recorded at commit, or {@code null}
   * @return the summary read from the footer
   * @throws CorruptSegmentException on any mismatch
   */
  public static SegmentSummary verify(String name, InputStream in, String expectedSha256) {
    return verify(name, in, expectedSha256, null);
  }

  /**
   * Reads a whole segment and checks it, without handing out its records. An encrypted segment is
   * decrypted and checked whole when {@code keys} is given; without keys only its structure is checked
   * (every block's CRC32C, the footer's CRC32C, block and record counts and sizes, and the SHA-256), and
   * the summary's offsets and timestamps are the footer's, unchecked.
   *
   * @param name the segment's name for error messages
   * @param in its bytes; closed here
   * @param expectedSha256 the hex SHA-256 recorded at commit, or {@code null}
   * @param keys resolves an encrypted segment's data key, or null to check its structure only
   * @return the summary read from the footer
   * @throws CorruptSegmentException on any mismatch
   * @throws SegmentKeyException if keys are given and the segment's data key cannot be had
   */
  public static SegmentSummary verify(String name, InputStream in, String expectedSha256, DataKeys keys) {
    try (SegmentReader reader = create(name, in, expectedSha256, keys, true)) {
      while (reader.hasNext()) {
        reader.next();
      }
      return reader.summary().orElseThrow();
    }
  }

  /**
   * The segment's codec, from its header.
   *
   * @return the codec
   */
  public Codec codec() {
    return codec;
  }

  /**
   * The footer's figures, once every record has been read.
   *
   * @return the summary, or empty while records remain
   */
  public Optional<SegmentSummary> summary() {
    return Optional.ofNullable(summary);
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && summary == null) {
      readNext();
    }
    return !pending.isEmpty();
  }

  @Override
  public BackupRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // Nothing more is read from it; a failed close of a read stream loses nothing.
    }
  }

  private void readNext() {
    int type = readByte("block type");
    if (type == SegmentFormat.BLOCK) {
      readBlock();
    } else if (type == SegmentFormat.FOOTER) {
      readFooter();
    } else {
      throw corrupt("unexpected byte 0x" + Integer.toHexString(type) + " where a block or the footer starts, at byte " + stored);
    }
  }

  private void readBlock() {
    long blockStart = stored;
    int count = readInt("block record count");
    int length = readInt("block length");
    int storedLength = readInt("block stored length");
    int crc = readInt("block checksum");
    if (count <= 0 || length < 0 || storedLength < 0) {
      throw corrupt("block " + blocks + " at byte " + blockStart + " has an impossible header");
    }
    if (storedBlock.length < storedLength) {
      storedBlock = new byte[storedLength];
    }
    readFully(storedBlock, storedLength, "block " + blocks);
    stored += 17 + storedLength;
    CRC32C actual = new CRC32C();
    actual.update(storedBlock, 0, storedLength);
    if ((int) actual.getValue() != crc) {
      throw corrupt("block " + blocks + " at byte " + blockStart + " fails its CRC32C check");
    }
    if (encrypted && cipher == null) {
      // Structure only: the records are sealed; their count and size are the block header's.
      records += count;
      uncompressed += length;
      blocks++;
      return;
    }
    int compressedLength = storedLength;
    if (cipher != null) {
      compressedLength = storedLength < SegmentCipher.TAG_BYTES ? -1
          : cipher.open(storedBlock, storedLength, blocks, count, length);
      if (compressedLength < 0) {
        throw corrupt("block " + blocks + " at byte " + blockStart + " fails its authentication tag under data key "
            + dataKeyId + " (tampered, moved or swapped)");
      }
    }
    if (plainBlock.length < length) {
      plainBlock = new byte[length];
    }
    try {
      codec.decompress(storedBlock, compressedLength, plainBlock, length);
    } catch (IllegalArgumentException e) {
      throw corrupt("block " + blocks + " at byte " + blockStart + ": " + e.getMessage());
    }
    decodeRecords(new BlockCursor(plainBlock, length), count, blockStart);
    uncompressed += length;
    blocks++;
  }

  private void decodeRecords(BlockCursor data, int count, long blockStart) {
    try {
      for (int i = 0; i < count; i++) {
        long offset = data.readLong();
        long timestamp = data.readLong();
        TimestampKind kind = TimestampKind.ofCode(data.readUnsignedByte());
        byte[] key = data.readBytes();
        byte[] value = data.readBytes();
        int headerCount = data.readInt();
        if (headerCount < 0) {
          throw new IOException("negative header count");
        }
        List<RecordHeader> headers = headerCount == 0 ? List.of() : new ArrayList<>(Math.min(headerCount, 64));
        for (int h = 0; h < headerCount; h++) {
          byte[] headerKey = data.readBytes();
          if (headerKey == null) {
            throw new IOException("null header key");
          }
          headers.add(new RecordHeader(new String(headerKey, StandardCharsets.UTF_8), data.readBytes()));
        }
        if (offset <= last) {
          throw new IOException("offset " + offset + " does not follow " + last);
        }
        pending.add(new BackupRecord(offset, timestamp, kind, key, value, headers));
        if (first < 0) {
          first = offset;
        }
        last = offset;
        minTs = Math.min(minTs, timestamp);
        maxTs = Math.max(maxTs, timestamp);
        records++;
      }
      if (data.remaining() != 0) {
        throw new IOException(data.remaining() + " bytes follow the last record");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw corrupt("block " + blocks + " at byte " + blockStart + " does not decode: " + e.getMessage(), e);
    }
  }

  private void readFooter() {
    long footerStart = stored;
    long firstOffset = readLong("footer");
    long lastOffset = readLong("footer");
    long recordCount = readLong("footer");
    long minTimestamp = readLong("footer");
    long maxTimestamp = readLong("footer");
    long uncompressedBytes = readLong("footer");
    int blockCount = readInt("footer");
    int crc = readInt("footer checksum");
    byte[] tag = new byte[encrypted ? SegmentCipher.TAG_BYTES : 0];
    readFully(tag, "footer tag");
    byte[] end = new byte[SegmentFormat.END_MAGIC.length];
    readFully(end, "end marker");
    stored += SegmentFormat.FOOTER_BODY_BYTES + 4 + tag.length + end.length;
    ByteBuffer body = ByteBuffer.allocate(SegmentFormat.FOOTER_BODY_BYTES);
    body.put((byte) SegmentFormat.FOOTER).putLong(firstOffset).putLong(lastOffset).putLong(recordCount)
        .putLong(minTimestamp).putLong(maxTimestamp).putLong(uncompressedBytes).putInt(blockCount);
    CRC32C actual = new CRC32C();
    actual.update(body.array());
    if ((int) actual.getValue() != crc) {
      throw corrupt("footer at byte " + footerStart + " fails its CRC32C check");
    }
    if (!Arrays.equals(end, SegmentFormat.END_MAGIC)) {
      throw corrupt("the end marker is missing");
    }
    if (cipher != null && !MessageDigest.isEqual(tag, cipher.footerTag(body.array(), SegmentFormat.FOOTER_BODY_BYTES))) {
      throw corrupt("the footer fails its authentication tag under data key " + dataKeyId + " (tampered or cut short)");
    }
    boolean recordsRead = cipher != null || !encrypted;
    long expectMin = records == 0 ? -1 : minTs;
    long expectMax = records == 0 ? -1 : maxTs;
    boolean figuresMatch = !recordsRead || firstOffset == first && lastOffset == last && minTimestamp == expectMin
        && maxTimestamp == expectMax;
    if (!figuresMatch || recordCount != records || uncompressedBytes != uncompressed || blockCount != blocks) {
      throw corrupt("the footer does not match the blocks read");
    }
    try {
      if (in.read() != -1) {
        throw corrupt("bytes follow the footer");
      }
    } catch (IOException e) {
      throw corrupt("cannot read past the footer: " + e.getMessage(), e);
    }
    String sha = HexFormat.of().formatHex(sha256.digest());
    if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
      throw corrupt("its SHA-256 is " + sha + ", the commit recorded " + expectedSha256);
    }
    summary = new SegmentSummary(codec, firstOffset, lastOffset, recordCount, minTimestamp, maxTimestamp,
        uncompressedBytes, stored, blockCount, sha, encrypted);
  }

  private int readByte(String what) {
    try {
      return in.readUnsignedByte();
    } catch (EOFException e) {
      throw corrupt("it ends before its footer (reading the " + what + " at byte " + stored + ")");
    } catch (IOException e) {
      throw new UncheckedSegmentIOException(name, e);
    }
  }

  private int readInt(String what) {
    byte[] b = new byte[4];
    readFully(b, what);
    return ByteBuffer.wrap(b).getInt();
  }

  private long readLong(String what) {
    byte[] b = new byte[8];
    readFully(b, what);
    return ByteBuffer.wrap(b).getLong();
  }

  private void readFully(byte[] into, String what) {
    readFully(into, into.length, what);
  }

  private void readFully(byte[] into, int length, String what) {
    try {
      in.readFully(into, 0, length);
    } catch (EOFException e) {
      throw corrupt("it ends before its footer (reading the " + what + " at byte " + stored + ")");
    } catch (IOException e) {
      throw new UncheckedSegmentIOException(name, e);
    }
  }

  private CorruptSegmentException corrupt(String problem) {
    return new CorruptSegmentException(name, problem);
  }

  private CorruptSegmentException corrupt(String problem, Throwable cause) {
    return new CorruptSegmentException(name, problem, cause);
  }

  /** Reads a decompressed block's big-endian fields in place; a read past its end is an {@link EOFException}. */
  private static final class BlockCursor {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private final int end;
    private int pos;

    BlockCursor(byte[] buf, int end) {
      this.buf = buf;
      this.end = end;
    }

    int remaining() {
      return end - pos;
    }

    long readLong() throws EOFException {
      need(8);
      long v = (long) LONG.get(buf, pos);
      pos += 8;
      return v;
    }

    int readInt() throws EOFException {
      need(4);
      int v = (int) INT.get(buf, pos);
      pos += 4;
      return v;
    }

    int readUnsignedByte() throws EOFException {
      need(1);
      return buf[pos++] & 0xff;
    }

    /** A length (-1 for null) and that many bytes, copied out. */
    byte[] readBytes() throws IOException {
      int length = readInt();
      if (length < -1 || length > remaining()) {
        throw new IOException("impossible length " + length);
      }
      if (length == -1) {
        return null;
      }
      byte[] bytes = Arrays.copyOfRange(buf, pos, pos + length);
      pos += length;
      return bytes;
    }

    private void need(int bytes) throws EOFException {
      if (end - pos < bytes) {
        throw new EOFException("the block ends inside a record");
      }
    }
  }
}
