package io.kafkabackup.backup.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Encodes records into one segment, streaming: records collect in a block buffer, and each full
 * block is compressed, checksummed and written to the output, so memory stays at a few blocks
 * whatever the segment's size. {@link #finish()} writes the footer and returns the summary, including
 * the SHA-256 of every byte written.
 *
 * <p>Given an encoder {@link Executor}, full blocks are compressed on it (several at once) and written
 * to the output in order by its threads, while the caller goes on appending: the caller's thread (a
 * Kafka consumer's) only lays records out, and compression, hashing and the output's own work (a
 * file write, an upload buffer that is full) no longer stall its next fetch. At most
 * {@value #BLOCKS_IN_FLIGHT} blocks of one segment wait for the encoder; {@link #append} blocks beyond
 * that. Without an executor everything happens on the caller's thread.
 *
 * <p>Given a {@link DataKey}, the segment is written in format version 2: each compressed block is
 * encrypted with AES-256-GCM and the footer carries a tag (see {@link SegmentCipher}).
 *
 * <p>Offsets must increase. One thread appends and finishes. The writer does not close the output:
 * the caller commits it after {@link #finish()}, or calls {@link #abandon()} before aborting it.
 */
public final class SegmentWriter {
  /**
   * The most uncompressed bytes of a block when none is configured: 960 KiB, so that a block buffer and
   * its compressed copy each fit in one 1 MiB region of G1 (the region size of heaps under 2 GiB); at
   * 1 MiB each took two, and a backup of 8 partitions in a 256 MiB heap held ~80 regions of them.
   */
  public static final int DEFAULT_BLOCK_BYTES = 960 * 1024;
  /** Full blocks of one segment handed to the encoder and not yet written. */
  static final int BLOCKS_IN_FLIGHT = 2;
  private static final int BLOCK_HEADER_BYTES = 17;

  private final OutputStream out;
  private final Codec codec;
  private final int level;
  private final int blockBytes;
  private final Executor encoder;
  private final MessageDigest sha256;
  /** Encrypts blocks and tags the footer; null for a plain segment. */
  private final SegmentCipher cipher;
  private final int tagBytes;
  private final Semaphore inFlight = new Semaphore(BLOCKS_IN_FLIGHT);
  /** Plain blocks and stored-block buffers given back by the encoder, so a segment allocates a few only. */
  private final ConcurrentLinkedQueue<BlockBuffer> spareBlocks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<byte[]> spareStored = new ConcurrentLinkedQueue<>();
  /** Bytes written to the output, and the most the blocks still with the encoder can add to them. */
  private final AtomicLong storedBytes = new AtomicLong();
  private final AtomicLong pendingBytes = new AtomicLong();
  /** Completes when every block handed over so far is written: the blocks' writes chain in order. */
  private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
  private volatile boolean abandoned;
  private BlockBuffer block;
  private int blockRecords;
  private int blockCount;
  private long recordCount;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private long minTimestamp = Long.MAX_VALUE;
  private long maxTimestamp = Long.MIN_VALUE;
  private long uncompressedBytes;
  private boolean finished;

  /**
   * Starts a segment by writing its header; blocks are encoded on the caller's thread.
   *
   * @param out where the segment's bytes go
   * @param codec how blocks are compressed
   * @param level the zstd level (ignored by the other codecs)
   * @param blockBytes the uncompressed size at which a block is written
   * @throws IOException if the header cannot be written
   */
  public SegmentWriter(OutputStream out, Codec codec, int level, int blockBytes) throws IOException {
    this(out, codec, level, blockBytes, Runnable::run);
  }

  /**
   * Starts a segment by writing its header.
   *
   * @param out where the segment's bytes go
   * @param codec how blocks are compressed
   * @param level the zstd level (ignored by the other codecs)
   * @param blockBytes the uncompressed size at which a block is written
   * @param encoder where full blocks are compressed and written (shared by segments; not shut down here)
   * @throws IOException if the header cannot be written
   */
  public SegmentWriter(OutputStream out, Codec codec, int level, int blockBytes, Executor encoder) throws IOException {
    this(out, codec, level, blockBytes, encoder, null);
  }

  /**
   * Starts a segment by writing its header, encrypted under a data key if one is given.
   *
   * @param out where the segment's bytes go
   * @param codec how blocks are compressed
   * @param level the zstd level (ignored by the other codecs)
   * @param blockBytes the uncompressed size at which a block is written
   * @param encoder where full blocks are compressed and written (shared by segments; not shut down here)
   * @param dataKey the segment's data key, or null for a plain segment (format version 1)
   * @throws IOException if the header cannot be written
   */
  public SegmentWriter(OutputStream out, Codec codec, int level, int blockBytes, Executor encoder, DataKey dataKey)
      throws IOException {
    if (blockBytes <= 0) {
      throw new IllegalArgumentException("blockBytes must be > 0: " + blockBytes);
    }
    this.out = out;
    this.codec = codec;
    this.level = level;
    this.blockBytes = blockBytes;
    this.encoder = encoder;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    this.block = new BlockBuffer(Math.min(blockBytes, 64 * 1024), blockBytes);
    int headerBytes = dataKey == null ? SegmentFormat.HEADER_BYTES : SegmentFormat.ENCRYPTED_HEADER_BYTES;
    ByteBuffer header = ByteBuffer.allocate(headerBytes);
    header.put(SegmentFormat.MAGIC).put((byte) (dataKey == null ? SegmentFormat.VERSION : SegmentFormat.VERSION_ENCRYPTED))
        .put((byte) codec.code()).putShort((short) 0);
    if (dataKey != null) {
      header.put(dataKey.id());
    }
    this.cipher = dataKey == null ? null : new SegmentCipher(dataKey, header.array());
    this.tagBytes = dataKey == null ? 0 : SegmentCipher.TAG_BYTES;
    emit(header.array(), headerBytes);
  }

  /**
   * Adds a record.
   *
   * @param record the record; its offset must be greater than the previous one's
   * @throws IOException if an earlier block could not be written, or this thread was interrupted
   *     waiting for the encoder
   */
  public void append(BackupRecord record) throws IOException {
    if (finished) {
      throw new IllegalStateException("segment already finished");
    }
    if (record.offset() <= lastOffset) {
      throw new IllegalArgumentException("offset " + record.offset() + " does not follow " + lastOffset);
    }
    if (blockRecords > 0 && block.size + encodedSize(record) > blockBytes) {
      // Full before this record: a block stays within its buffer, which never grows but for a record
      // larger than a whole block.
      handOver();
    }
    BlockBuffer b = block;
    b.putLong(record.offset());
    b.putLong(record.timestamp());
    b.putByte(record.timestampKind().code());
    b.putBytes(record.key());
    b.putBytes(record.value());
    b.putInt(record.headers().size());
    for (RecordHeader header : record.headers()) {
      b.putBytes(header.key().getBytes(StandardCharsets.UTF_8));
      b.putBytes(header.value());
    }
    blockRecords++;
    recordCount++;
    if (firstOffset < 0) {
      firstOffset = record.offset();
    }
    lastOffset = record.offset();
    minTimestamp = Math.min(minTimestamp, record.timestamp());
    maxTimestamp = Math.max(maxTimestamp, record.timestamp());
    if (b.size >= blockBytes) {
      handOver();
    }
  }

  /** The bytes {@link #append} lays the record out in. */
  private static int encodedSize(BackupRecord record) {
    int size = 8 + 8 + 1 + 4 + length(record.key()) + 4 + length(record.value()) + 4;
    for (RecordHeader header : record.headers()) {
      size += 4 + header.key().length() * 3 + 4 + length(header.value());
    }
    return size;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
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
   * How large the segment is so far: bytes written, plus the most the blocks with the encoder can add,
   * plus the uncompressed bytes of the open block. Rotation decisions use this.
   *
   * @return an upper estimate of the segment's size
   */
  public long estimatedBytes() {
    // Pending first: a block's writer adds its bytes to storedBytes before it takes its bound off
    // pendingBytes, so a block written between the two reads is counted (twice at worst, never not).
    long pending = pendingBytes.get();
    return pending + storedBytes.get() + block.size;
  }

  /**
   * Writes the last block and the footer, once every block before it is written.
   *
   * @return the segment's summary with its SHA-256
   * @throws IOException if writing fails
   */
  public SegmentSummary finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("segment already finished");
    }
    if (blockRecords > 0) {
      handOver();
    }
    finished = true;
    awaitWritten();
    long minTs = recordCount == 0 ? -1 : minTimestamp;
    long maxTs = recordCount == 0 ? -1 : maxTimestamp;
    ByteBuffer footer = ByteBuffer.allocate(SegmentFormat.FOOTER_BODY_BYTES + 4 + tagBytes + SegmentFormat.END_MAGIC.length);
    footer.put((byte) SegmentFormat.FOOTER).putLong(firstOffset).putLong(lastOffset).putLong(recordCount)
        .putLong(minTs).putLong(maxTs).putLong(uncompressedBytes).putInt(blockCount);
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, SegmentFormat.FOOTER_BODY_BYTES);
    footer.putInt((int) crc.getValue());
    if (cipher != null) {
      footer.put(cipher.footerTag(footer.array(), SegmentFormat.FOOTER_BODY_BYTES));
    }
    footer.put(SegmentFormat.END_MAGIC);
    emit(footer.array(), footer.capacity());
    return new SegmentSummary(codec, firstOffset, lastOffset, recordCount, minTs, maxTs, uncompressedBytes,
        storedBytes.get(), blockCount, HexFormat.of().formatHex(sha256.digest()), cipher != null);
  }

  /**
   * Gives the segment up: blocks the encoder has not written yet are dropped, and this returns once no
   * block is being written, so the caller can abort the output without racing a write into it.
   */
  public void abandon() {
    abandoned = true;
    finished = true;
    try {
      written.join();
    } catch (CompletionException e) {
      // The segment is being thrown away; its write failure no longer matters.
    }
  }

  /** Hands the full block to the encoder, waiting while the segment already has enough blocks there. */
  private void handOver() throws IOException {
    failIfWriteFailed();
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the segment's encoder");
    }
    BlockBuffer plain = block;
    int records = blockRecords;
    int length = plain.size;
    long index = blockCount;
    uncompressedBytes += length;
    blockCount++;
    blockRecords = 0;
    int bound = BLOCK_HEADER_BYTES + codec.maxCompressedLength(length) + tagBytes;
    pendingBytes.addAndGet(bound);
    BlockBuffer next = spareBlocks.poll();
    block = next != null ? next : new BlockBuffer(blockBytes, blockBytes);
    CompletableFuture<StoredBlock> encoded;
    try {
      encoded = CompletableFuture.supplyAsync(() -> encode(plain, records, index), encoder);
    } catch (RuntimeException e) {
      // A rejected hand-over (the encoder shut down) fails this block; earlier ones still complete.
      encoded = CompletableFuture.failedFuture(e);
    }
    written = written.thenCombine(encoded, (ignored, stored) -> {
      write(stored, length, bound);
      return (Void) null;
    }).whenComplete((ignored, error) -> inFlight.release());
    // Without an executor of its own the write already ran: its failure belongs to this append.
    failIfWriteFailed();
  }

  /** Compresses a block, encrypts it if the segment is, and checksums it; runs on the encoder, several blocks at once. */
  private StoredBlock encode(BlockBuffer plain, int records, long index) {
    int bound = codec.maxCompressedLength(plain.size) + tagBytes;
    byte[] stored = spareStored.poll();
    if (stored == null || stored.length < bound) {
      stored = new byte[bound];
    }
    int length = abandoned ? 0 : codec.compress(plain.buf, plain.size, level, stored);
    if (cipher != null && !abandoned) {
      length = cipher.seal(stored, length, index, records, plain.size);
    }
    CRC32C crc = new CRC32C();
    crc.update(stored, 0, length);
    return new StoredBlock(plain, records, stored, length, (int) crc.getValue());
  }

  /** Writes one encoded block; runs in block order, one block at a time, after every earlier block. */
  private void write(StoredBlock block, int plainLength, int bound) {
    try {
      if (abandoned) {
        return;
      }
      ByteBuffer header = ByteBuffer.allocate(BLOCK_HEADER_BYTES);
      header.put((byte) SegmentFormat.BLOCK).putInt(block.records).putInt(plainLength).putInt(block.length)
          .putInt(block.crc);
      emit(header.array(), BLOCK_HEADER_BYTES);
      emit(block.stored, block.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      pendingBytes.addAndGet(-bound);
      recycle(block);
    }
  }

  /** Keeps a written block's buffers for the next blocks, unless an outsized record grew them. */
  private void recycle(StoredBlock block) {
    int keep = 2 * blockBytes;
    BlockBuffer plain = block.plain;
    plain.size = 0;
    if (plain.buf.length <= keep) {
      spareBlocks.offer(plain);
    }
    if (block.stored.length <= keep) {
      spareStored.offer(block.stored);
    }
  }

  private void failIfWriteFailed() throws IOException {
    if (written.isCompletedExceptionally()) {
      awaitWritten();
    }
  }

  private void awaitWritten() throws IOException {
    try {
      written.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException) {
        throw ((UncheckedIOException) cause).getCause();
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
  }

  private void emit(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
    sha256.update(bytes, 0, length);
    storedBytes.addAndGet(length);
  }

  /**
   * A block after encoding: its stored bytes ({@code stored}, {@code length}) with their CRC32C, and
   * its plain buffer, recycled with {@code stored} once written.
   */
  private record StoredBlock(BlockBuffer plain, int records, byte[] stored, int length, int crc) {
  }

  /** A growable byte array records are laid out in, big-endian, without stream or lock overhead. */
  private static final class BlockBuffer {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int limit;
    byte[] buf;
    int size;

    BlockBuffer(int capacity, int limit) {
      this.buf = new byte[capacity];
      this.limit = limit;
    }

    void putLong(long v) {
      ensure(8);
      LONG.set(buf, size, v);
      size += 8;
    }

    void putInt(int v) {
      ensure(4);
      INT.set(buf, size, v);
      size += 4;
    }

    void putByte(int v) {
      ensure(1);
      buf[size++] = (byte) v;
    }

    /** A length (-1 for null) and the bytes. */
    void putBytes(byte[] bytes) {
      if (bytes == null) {
        putInt(-1);
        return;
      }
      putInt(bytes.length);
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        // Doubling, but not past the block size (the writer's limit) unless one record needs more.
        byte[] grown = new byte[Math.max(size + more, Math.min(buf.length * 2, limit))];
        System.arraycopy(buf, 0, grown, 0, size);
        buf = grown;
      }
    }
  }
}
