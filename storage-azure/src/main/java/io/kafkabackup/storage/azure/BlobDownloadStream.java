package io.kafkabackup.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.specialized.BlobClientBase;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PreconditionFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Streams a blob, or a range of it, as a series of ranged GETs of {@code chunkSize} bytes, up to
 * {@code readAhead} of them in flight on the transfer pool while the caller reads, so memory stays at
 * {@code chunkSize x (readAhead + 1)} whatever the blob's size. The first GET learns the blob's size and
 * etag; every later one carries {@code If-Match} on that etag, so a blob replaced mid-read fails with
 * {@link PreconditionFailedException} instead of being stitched together from two versions. A body that
 * breaks mid-transfer is resumed by the SDK from the last byte received.
 */
final class BlobDownloadStream extends InputStream {
  private static final DownloadRetryOptions RESUME = new DownloadRetryOptions().setMaxRetryRequests(5);

  private final AzureBlobBackend backend;
  private final ObjectKey key;
  private final BlobClientBase blob;
  private final int chunkSize;
  private final int readAhead;
  private final ExecutorService pool;
  private final Duration timeout;
  private final Deque<Future<Chunk>> pending = new ArrayDeque<>();
  private final String etag;
  private final long end;
  private long nextOffset;
  private Chunk current;
  private int position;
  private boolean closed;

  /** Bytes of one ranged GET. */
  private record Chunk(byte[] data, int length) {
  }

  /**
   * Opens the stream, fetching the first chunk at once so that a missing blob or a bad range fails here.
   *
   * @param range the bytes to read, or {@code null} for the whole blob
   */
  BlobDownloadStream(AzureBlobBackend backend, ObjectKey key, BlobClientBase blob, ByteRange range,
      AzureSettings settings, ExecutorService pool) {
    this.backend = backend;
    this.key = key;
    this.blob = blob;
    this.chunkSize = (int) settings.downloadBlockSize();
    this.readAhead = settings.downloadConcurrency();
    this.pool = pool;
    this.timeout = settings.operationTimeout();
    long start = range == null ? 0 : range.offset();
    long wanted = range == null ? Long.MAX_VALUE : range.length();
    int firstLength = (int) Math.min(chunkSize, wanted);
    ChunkSink sink = new ChunkSink(firstLength);
    BlobDownloadResponse response;
    try {
      response = blob.downloadStreamWithResponse(sink, new BlobRange(start, (long) firstLength), RESUME, null,
          false, timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 416 && range == null) {
        // Any range of an empty blob is unsatisfiable; the whole blob is simply empty.
        this.etag = null;
        this.end = 0;
        this.current = new Chunk(new byte[0], 0);
        return;
      }
      if (e.getStatusCode() == 416) {
        throw new InvalidRangeException("range starting at " + start + " is beyond the end of '" + key + "'");
      }
      throw backend.translate(e, "get", key);
    } catch (RuntimeException e) {
      throw backend.translate(e, "get", key);
    }
    long size = totalSize(response, sink.length);
    if (range != null && start >= size) {
      // Some servers (Azurite) answer an unsatisfiable range with an empty body instead of 416.
      throw new InvalidRangeException("range starting at " + start + " is beyond the end of '" + key + "' ("
          + size + " bytes)");
    }
    this.etag = response.getDeserializedHeaders().getETag();
    this.end = range == null || range.isOpenEnded() ? size : Math.min(size, start + wanted);
    this.current = new Chunk(sink.buffer, sink.length);
    this.nextOffset = start + sink.length;
    fillReadAhead();
  }

  private static long totalSize(BlobDownloadResponse response, long received) {
    String contentRange = response.getDeserializedHeaders().getContentRange();
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        return Long.parseLong(contentRange.substring(slash + 1).trim());
      }
    }
    Long length = response.getDeserializedHeaders().getContentLength();
    return length != null ? length : received;
  }

  private void fillReadAhead() {
    while (pending.size() < readAhead && nextOffset < end) {
      long offset = nextOffset;
      int length = (int) Math.min(chunkSize, end - offset);
      nextOffset += length;
      pending.add(pool.submit(() -> fetch(offset, length)));
    }
  }

  private Chunk fetch(long offset, int length) {
    ChunkSink sink = new ChunkSink(length);
    try {
      blob.downloadStreamWithResponse(sink, new BlobRange(offset, (long) length), RESUME,
          new BlobRequestConditions().setIfMatch(etag), false, timeout, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 412) {
        throw new PreconditionFailedException("'" + key + "' was replaced while it was being read", e);
      }
      throw backend.translate(e, "get", key);
    } catch (RuntimeException e) {
      throw backend.translate(e, "get", key);
    }
    if (sink.length != length) {
      throw new PreconditionFailedException("'" + key + "' changed size while it was being read");
    }
    return new Chunk(sink.buffer, sink.length);
  }

  /** Moves to the next chunk; returns false at the end. */
  private boolean advance() throws IOException {
    if (closed) {
      throw new IOException("stream of '" + key + "' is closed");
    }
    while (current == null || position >= current.length) {
      Future<Chunk> next = pending.poll();
      if (next == null) {
        return false;
      }
      try {
        current = next.get();
        position = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading '" + key + "'");
      } catch (ExecutionException | CancellationException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new IOException("reading '" + key + "' failed: " + cause.getMessage(), backend.translate(cause, "get", key));
      }
      fillReadAhead();
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!advance()) {
      return -1;
    }
    return current.data[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current.data, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length - position;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pending.forEach(f -> f.cancel(true));
      pending.clear();
      current = null;
    }
  }

  /** Receives one GET's body into a buffer of exactly the requested length. */
  private static final class ChunkSink extends OutputStream {
    final byte[] buffer;
    int length;

    ChunkSink(int capacity) {
      this.buffer = new byte[capacity];
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (length + len > buffer.length) {
        throw new IOException("the service sent more bytes than the requested range");
      }
      System.arraycopy(b, off, buffer, length, len);
      length += len;
    }
  }
}
