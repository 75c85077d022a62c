package io.kafkabackup.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.spi.AbstractObjectWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Writes one block blob. Bytes fill a buffer; a full buffer is staged as a block (Put Block, with its
 * Content-MD5) on the backend's transfer pool while the next one fills, at most {@code concurrency}
 * blocks in flight, so memory stays at {@code blockSize x (concurrency + 1)} whatever the object's size.
 * {@code close()} commits the block list in one Put Block List carrying the write mode's condition, so
 * the blob appears atomically or not at all. An object that fits in the first buffer and under the
 * single-put threshold is sent as one Put Blob instead.
 *
 * <p>Block ids are a random per-writer upload id plus the block's index, all the same length as Azure
 * requires; a retried or concurrent upload of the same key can never commit another upload's blocks.
 * Uncommitted blocks of an aborted upload are discarded by the service (after a week at the latest).
 */
final class BlockBlobWriter extends AbstractObjectWriter {
  /** Azure's limit of committed blocks per blob. */
  static final int MAX_BLOCKS = 50_000;
  /** Azure's largest block (service versions since 2019-12-12). */
  static final long MAX_BLOCK_SIZE = 4000L * 1024 * 1024;
  /** Unknown-length uploads double their block size after this many blocks, to stay within MAX_BLOCKS. */
  static final int BLOCKS_PER_SIZE_STEP = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AzureBlobBackend backend;
  private final BlockBlobClient blob;
  private final PutOptions options;
  private final ExecutorService pool;
  private final Duration timeout;
  private final long singlePutThreshold;
  private final long baseBlockSize;
  private final Semaphore buffers;
  private final ConcurrentLinkedQueue<byte[]> freeBuffers = new ConcurrentLinkedQueue<>();
  private final byte[] uploadId = new byte[12];
  private final List<String> blockIds = new ArrayList<>();
  private final List<Future<?>> staged = new ArrayList<>();
  private volatile Throwable stageFailure;

  private byte[] current;
  private int filled;
  private long total;

  BlockBlobWriter(AzureBlobBackend backend, ObjectKey key, BlockBlobClient blob, PutOptions options,
      long expectedLength, AzureSettings settings, ExecutorService pool) {
    super(key);
    this.backend = backend;
    this.blob = blob;
    this.options = options;
    this.pool = pool;
    this.timeout = settings.operationTimeout();
    this.singlePutThreshold = settings.singlePutThreshold();
    this.baseBlockSize = blockSizeFor(expectedLength, settings.blockSize());
    this.buffers = new Semaphore(settings.maxConcurrency() + 1);
    RANDOM.nextBytes(uploadId);
  }

  /** The block size for an object: the configured one, raised so a known length fits in MAX_BLOCKS. */
  static long blockSizeFor(long expectedLength, long configured) {
    if (expectedLength == StorageBackend.UNKNOWN_LENGTH) {
      return configured;
    }
    long needed = (expectedLength + MAX_BLOCKS - 1) / MAX_BLOCKS;
    long mib = 1024 * 1024;
    return Math.min(MAX_BLOCK_SIZE, Math.max(configured, (needed + mib - 1) / mib * mib));
  }

  /** The size of block {@code index}: unknown-length uploads double it every BLOCKS_PER_SIZE_STEP blocks. */
  private int capacityFor(int index) {
    long size = baseBlockSize << Math.min(20, index / BLOCKS_PER_SIZE_STEP);
    if (index == 0) {
      size = Math.max(size, singlePutThreshold);
    }
    // A Java array holds at most ~2 GiB: larger configured blocks are staged in 2000 MiB pieces.
    return (int) Math.min(size, Math.min(MAX_BLOCK_SIZE, 2000L * 1024 * 1024));
  }

  @Override
  protected void doWrite(byte[] b, int off, int len) throws IOException {
    checkStageFailure();
    while (len > 0) {
      // A full buffer is staged only once more data arrives: an object that exactly fills the first
      // buffer can still go as one Put Blob.
      if (current != null && filled == current.length) {
        stageCurrent();
      }
      if (current == null) {
        current = takeBuffer(capacityFor(blockIds.size()));
      }
      int n = Math.min(len, current.length - filled);
      System.arraycopy(b, off, current, filled, n);
      filled += n;
      total += n;
      off += n;
      len -= n;
    }
  }

  private byte[] takeBuffer(int capacity) throws IOException {
    try {
      buffers.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a block buffer");
    }
    checkStageFailure();
    byte[] reused;
    while ((reused = freeBuffers.poll()) != null) {
      if (reused.length == capacity) {
        return reused;
      }
    }
    return new byte[capacity];
  }

  private void releaseBuffer(byte[] buffer) {
    freeBuffers.offer(buffer);
    buffers.release();
  }

  private void stageCurrent() {
    byte[] buffer = current;
    int length = filled;
    current = null;
    filled = 0;
    if (blockIds.size() >= MAX_BLOCKS) {
      releaseBuffer(buffer);
      throw new StorageException("'" + key() + "' needs more than " + MAX_BLOCKS + " blocks; raise storage.azure.block-size");
    }
    String id = blockId(blockIds.size());
    blockIds.add(id);
    staged.add(pool.submit(() -> {
      try {
        BinaryData data = BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, length));
        blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, data).setContentMd5(md5(buffer, length)),
            timeout, Context.NONE);
      } catch (RuntimeException | Error e) {
        if (stageFailure == null) {
          stageFailure = e;
        }
        throw e;
      } finally {
        releaseBuffer(buffer);
      }
      return null;
    }));
  }

  private String blockId(int index) {
    ByteBuffer id = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
    id.put(uploadId).putInt(index);
    return Base64.getEncoder().encodeToString(id.array());
  }

  private void checkStageFailure() {
    Throwable failure = stageFailure;
    if (failure != null) {
      throw backend.translate(failure, "put", key());
    }
  }

  @Override
  protected ObjectMetadata doCommit() throws IOException {
    checkStageFailure();
    BlobHttpHeaders headers = new BlobHttpHeaders().setContentType(options.contentType());
    BlobRequestConditions conditions = conditions(options.mode());
    try {
      BlockBlobItem item;
      if (blockIds.isEmpty() && total <= singlePutThreshold) {
        byte[] buffer = current != null ? current : new byte[0];
        item = blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(
                BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, filled)))
            .setHeaders(headers).setMetadata(options.metadata()).setContentMd5(md5(buffer, filled))
            .setRequestConditions(conditions), timeout, Context.NONE).getValue();
      } else {
        if (filled > 0) {
          stageCurrent();
        }
        awaitStaged();
        item = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
            .setHeaders(headers).setMetadata(options.metadata()).setRequestConditions(conditions),
            timeout, Context.NONE).getValue();
      }
      return new ObjectMetadata(key(), total, item.getETag(), item.getLastModified().toInstant(),
          options.contentType(), options.metadata());
    } catch (RuntimeException e) {
      throw backend.translate(e, "put", key());
    } finally {
      release();
    }
  }

  private void awaitStaged() throws IOException {
    for (Future<?> f : staged) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while staging blocks of '" + key() + "'");
      } catch (ExecutionException | CancellationException e) {
        throw backend.translate(e.getCause() != null ? e.getCause() : e, "put", key());
      }
    }
  }

  static BlobRequestConditions conditions(WriteMode mode) {
    if (mode instanceof WriteMode.CreateOnly) {
      return new BlobRequestConditions().setIfNoneMatch("*");
    }
    if (mode instanceof WriteMode.IfMatch) {
      return new BlobRequestConditions().setIfMatch(((WriteMode.IfMatch) mode).etag());
    }
    return null;
  }

  @Override
  protected void doAbort() {
    staged.forEach(f -> f.cancel(true));
    release();
  }

  private void release() {
    current = null;
    freeBuffers.clear();
  }

  static byte[] md5(byte[] data, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(data, 0, length);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
