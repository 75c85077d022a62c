package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * The upload engine of object stores that take large objects in parts (Azure staged blocks, S3
 * multipart): bytes fill a buffer; a full buffer is uploaded as a part on a shared pool while the next
 * one fills, at most {@code maxConcurrency} parts in flight, so memory stays at
 * {@code partSize x (maxConcurrency + 1)} whatever the object's size. {@code close()} commits all parts
 * at once. An object that fits in the first buffer and under the single-put threshold is sent whole in
 * one request instead. An upload never holds more part buffers than fit in half the heap, and a buffer
 * beyond its first is allocated only while the part buffers of all the JVM's uploads together stay
 * within a quarter of the heap (otherwise the upload fills its own buffer again once that part is sent), so a
 * small heap or many concurrent uploads get fewer parts in flight rather than an
 * {@link OutOfMemoryError}.
 *
 * <p>Part sizes adapt so an object never needs more parts than the store allows: for a known length the
 * size is raised up front; for an unknown length it doubles every fifth of the part limit (parts of
 * one object may differ in size).
 */
public abstract class PartUploadWriter extends AbstractObjectWriter {

  /**
   * A store's multipart limits.
   *
   * @param maxParts the most parts of one object (Azure 50,000; S3 10,000)
   * @param maxPartSize the largest part in bytes
   */
  public record PartLimits(int maxParts, long maxPartSize) {
  }

  /**
   * The provider's tuning.
   *
   * @param partSize bytes per part, before any adaptation
   * @param maxConcurrency parts in flight per object
   * @param singlePutThreshold the largest object sent whole in one request
   */
  public record PartTuning(long partSize, int maxConcurrency, long singlePutThreshold) {
  }

  private static final long MIB = 1024 * 1024;
  /** Java arrays hold at most ~2 GiB: larger parts are cut to this. */
  private static final long MAX_BUFFER = 2000 * MIB;
  /** The first buffer of an upload of unknown length; it grows as data arrives. */
  private static final long INITIAL_BUFFER = 64 * 1024;

  private final PartLimits limits;
  private final PartTuning tuning;
  private final ExecutorService pool;
  private final long basePartSize;
  private final long expectedLength;
  private final Semaphore buffers;
  private final PartBufferBudget budget;
  private final LinkedBlockingQueue<byte[]> freeBuffers = new LinkedBlockingQueue<>();
  /** Buffers this upload allocated and still holds (filling, uploading or free), and their bytes. */
  private int allocated;
  private long reserved;
  private final List<Future<?>> uploads = new ArrayList<>();
  private volatile Throwable partFailure;
  private volatile boolean aborting;
  private int parts;
  private byte[] current;
  private int filled;
  private long total;

  /**
   * Creates a writer.
   *
   * @param key the key being written
   * @param tuning part size, concurrency and single-put threshold
   * @param limits the store's part limits
   * @param expectedLength the object's length if known, else {@link StorageBackend#UNKNOWN_LENGTH}
   * @param pool where parts are uploaded; shared by the backend's writers
   */
  protected PartUploadWriter(ObjectKey key, PartTuning tuning, PartLimits limits, long expectedLength,
      ExecutorService pool) {
    this(key, tuning, limits, expectedLength, pool, PartBufferBudget.JVM);
  }

  PartUploadWriter(ObjectKey key, PartTuning tuning, PartLimits limits, long expectedLength, ExecutorService pool,
      PartBufferBudget budget) {
    super(key);
    this.budget = budget;
    this.tuning = tuning;
    this.limits = limits;
    this.pool = pool;
    this.basePartSize = partSizeFor(expectedLength, tuning.partSize(), limits);
    this.expectedLength = expectedLength;
    this.buffers = new Semaphore(bufferCount(tuning.maxConcurrency(), basePartSize, Runtime.getRuntime().maxMemory()));
  }

  /**
   * How many part buffers one upload may hold: {@code maxConcurrency + 1}, but no more than fit in half
   * the heap (at least two, so one part can upload while the next fills). Measured: with 8 MiB parts S3
   * needs five buffers plus ~18 MB of client state, more than a 64 MiB heap holds; four fit, and a heap of
   * 80 MiB or more keeps the configured concurrency.
   *
   * @param maxConcurrency the configured parts in flight
   * @param partSize the part size
   * @param maxHeap the heap's limit, {@link Runtime#maxMemory()}
   * @return the number of buffers
   */
  static int bufferCount(int maxConcurrency, long partSize, long maxHeap) {
    long fit = maxHeap / 2 / Math.max(1, partSize);
    return (int) Math.max(2, Math.min(maxConcurrency + 1L, fit));
  }

  /**
   * The part size for an object: the configured one, raised so a known length fits in the part limit
   * (rounded up to whole MiB).
   *
   * @param expectedLength the length, or {@link StorageBackend#UNKNOWN_LENGTH}
   * @param configured the configured part size
   * @param limits the store's limits
   * @return the part size to start with
   */
  public static long partSizeFor(long expectedLength, long configured, PartLimits limits) {
    if (expectedLength == StorageBackend.UNKNOWN_LENGTH) {
      return configured;
    }
    long needed = (expectedLength + limits.maxParts() - 1) / limits.maxParts();
    return Math.min(limits.maxPartSize(), Math.max(configured, (needed + MIB - 1) / MIB * MIB));
  }

  /**
   * Sends a whole (small) object in one request, subject to the write mode.
   *
   * @param data the content
   * @param length how many bytes of {@code data}
   * @return the stored object's metadata
   * @throws Exception translated by {@link #translate}
   */
  protected abstract ObjectMetadata putWhole(byte[] data, int length) throws Exception;

  /**
   * Called once, on the writer's thread, before the first part is uploaded (S3 creates the multipart
   * upload here).
   *
   * @throws Exception translated by {@link #translate}
   */
  protected void startParts() throws Exception {
  }

  /**
   * Uploads one part, on the pool. Must not keep {@code data} after returning: the buffer is reused.
   *
   * @param index the part's position, from 0
   * @param data the part's bytes
   * @param length how many bytes of {@code data}
   * @throws Exception translated by {@link #translate}
   */
  protected abstract void uploadPart(int index, byte[] data, int length) throws Exception;

  /**
   * Commits parts 0 to {@code partCount - 1} as the object, atomically and subject to the write mode.
   *
   * @param partCount how many parts were uploaded
   * @param size the object's total size
   * @return the stored object's metadata
   * @throws Exception translated by {@link #translate}
   */
  protected abstract ObjectMetadata completeParts(int partCount, long size) throws Exception;

  /** Discards uploaded parts, best effort, after the parts in flight have stopped. */
  protected abstract void abortParts();

  /**
   * Turns a provider failure into a typed error.
   *
   * @param failure what failed
   * @return the error to throw
   */
  protected abstract StorageException translate(Throwable failure);

  private int capacityFor(int index) {
    long size = basePartSize << Math.min(20, index / Math.max(1, limits.maxParts() / 5));
    if (index == 0) {
      size = Math.max(size, tuning.singlePutThreshold());
    }
    return (int) Math.min(size, Math.min(limits.maxPartSize(), MAX_BUFFER));
  }

  @Override
  protected final void doWrite(byte[] b, int off, int len) throws IOException {
    checkPartFailure();
    while (len > 0) {
      // A full buffer is uploaded only once more data arrives: an object that exactly fills the first
      // buffer can still go whole.
      if (current != null && filled == current.length) {
        if (parts == 0 && current.length < capacityFor(0)) {
          // The first buffer starts small so small objects cost no part-sized allocation; it grows to a
          // full part by doubling (amortised copying) before anything is uploaded.
          int grown = (int) Math.min(capacityFor(0), 2L * current.length);
          budget.reserve(grown - current.length);
          reserved += grown - current.length;
          current = Arrays.copyOf(current, grown);
        } else {
          uploadCurrent();
        }
      }
      if (current == null) {
        current = takeBuffer(parts == 0 ? firstBufferSize() : capacityFor(parts));
      }
      int n = Math.min(len, current.length - filled);
      System.arraycopy(b, off, current, filled, n);
      filled += n;
      total += n;
      off += n;
      len -= n;
    }
  }

  private int firstBufferSize() {
    long hint = expectedLength == StorageBackend.UNKNOWN_LENGTH ? INITIAL_BUFFER : Math.max(1, expectedLength);
    return (int) Math.min(capacityFor(0), hint);
  }

  private byte[] takeBuffer(int capacity) throws IOException {
    try {
      buffers.acquire();
      checkPartFailure();
      byte[] reused = freeBuffers.poll();
      while (true) {
        if (reused != null) {
          if (reusable(reused, capacity)) {
            return reused;
          }
          drop(reused);
        } else if (allocated == 0) {
          budget.reserve(capacity);
          return allocate(capacity);
        } else if (budget.tryReserve(capacity)) {
          return allocate(capacity);
        } else {
          // The JVM's uploads hold their share of the heap: wait for one of this upload's parts to be
          // sent (every buffer it holds is uploading now) and fill that buffer again.
          reused = freeBuffers.take();
          checkPartFailure();
          continue;
        }
        reused = freeBuffers.poll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a part buffer");
    }
  }

  /**
   * Whether a sent part's buffer is filled again: not when the part size changed, and not a buffer
   * beyond the first while the JVM's uploads hold more than the budget (uploads that started later
   * took their first buffers), so the early uploads give their extra buffers back.
   */
  private boolean reusable(byte[] buffer, int capacity) {
    return buffer.length == capacity && (allocated == 1 || !budget.overLimit());
  }

  private byte[] allocate(int capacity) {
    allocated++;
    reserved += capacity;
    return new byte[capacity];
  }

  /** Lets a buffer of another size go (the part size grew). */
  private void drop(byte[] buffer) {
    allocated--;
    reserved -= buffer.length;
    budget.release(buffer.length);
  }

  /** Gives every buffer's bytes back to the budget once the upload is over. */
  private void releaseBuffers() {
    freeBuffers.clear();
    budget.release(reserved);
    reserved = 0;
    allocated = 0;
  }

  private void uploadCurrent() {
    if (parts >= limits.maxParts()) {
      throw new StorageException("'" + key() + "' needs more than " + limits.maxParts()
          + " parts; raise the part (block) size");
    }
    if (parts == 0) {
      try {
        startParts();
      } catch (Exception e) {
        throw translate(e);
      }
    }
    byte[] buffer = current;
    int length = filled;
    int index = parts++;
    current = null;
    filled = 0;
    uploads.add(pool.submit(() -> {
      try {
        if (!aborting) {
          uploadPart(index, buffer, length);
        }
      } catch (Exception | Error e) {
        if (partFailure == null) {
          partFailure = e;
        }
        throw e;
      } finally {
        freeBuffers.offer(buffer);
        buffers.release();
      }
      return null;
    }));
  }

  private void checkPartFailure() {
    Throwable failure = partFailure;
    if (failure != null) {
      throw translate(failure);
    }
  }

  @Override
  protected final ObjectMetadata doCommit() throws IOException {
    checkPartFailure();
    try {
      if (parts == 0 && total <= tuning.singlePutThreshold()) {
        return putWhole(current != null ? current : new byte[0], filled);
      }
      if (filled > 0) {
        uploadCurrent();
      }
      awaitUploads();
      return completeParts(parts, total);
    } catch (IOException | StorageException e) {
      throw e;
    } catch (Exception e) {
      throw translate(e);
    } finally {
      current = null;
      releaseBuffers();
    }
  }

  private void awaitUploads() throws IOException {
    for (Future<?> f : uploads) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while uploading parts of '" + key() + "'");
      } catch (ExecutionException | CancellationException e) {
        throw translate(e.getCause() != null ? e.getCause() : e);
      }
    }
  }

  @Override
  protected final void doAbort() {
    // Parts not yet started are skipped; parts in flight finish, so none can land after abortParts().
    aborting = true;
    for (Future<?> f : uploads) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | CancellationException ignored) {
        // a failed part: nothing to wait for
      }
    }
    if (parts > 0) {
      abortParts();
    }
    current = null;
    releaseBuffers();
  }
}
