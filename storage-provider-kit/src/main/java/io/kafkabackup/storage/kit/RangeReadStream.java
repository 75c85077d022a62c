package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The download engine of object stores with ranged GETs: an object (or a range of it) is read as
 * consecutive chunks, up to {@code readAhead} of them fetched in parallel on a shared pool while the
 * caller reads, so memory stays at {@code chunkSize x (readAhead + 1)} whatever the object's size. The
 * first request learns the object's size and version (etag); every later one must be conditional on
 * that version, so an object replaced mid-read fails instead of being stitched from two versions.
 *
 * <p>A provider that can stream one response may also implement {@link #openBody}: a read to the end of
 * the object is then served by one open-ended GET, which on these stores beats many short ones, and only
 * if that response breaks does the stream continue from the byte it reached with ranged, conditional
 * GETs.
 *
 * <p>Subclasses implement the requests and call {@link #start(ByteRange)} at the end of their
 * constructor.
 */
public abstract class RangeReadStream extends InputStream {

  /**
   * The answer to the first request.
   *
   * @param data the bytes received
   * @param length how many bytes of {@code data} are valid
   * @param objectSize the whole object's size
   * @param version the object's etag, for the conditions of later requests
   */
  public record FirstChunk(byte[] data, int length, long objectSize, String version) {
  }

  /**
   * An open response streaming an object from an offset to its end.
   *
   * @param body the response body; the stream closes it
   * @param objectSize the whole object's size
   * @param version the object's etag, for resuming with conditional ranged GETs
   */
  public record OpenBody(InputStream body, long objectSize, String version) {
  }

  private record Chunk(byte[] data, int length) {
  }

  private final ObjectKey key;
  private final int chunkSize;
  private final int readAhead;
  private final ExecutorService pool;
  private final Deque<Future<Chunk>> pending = new ArrayDeque<>();
  private String version;
  private long end;
  private long nextOffset;
  private Chunk current;
  private int position;
  private boolean closed;
  private InputStream body;
  private long bodyOffset;

  /**
   * Creates the stream; the subclass calls {@link #start(ByteRange)} once it is constructed.
   *
   * @param key the object's key, for messages
   * @param chunkSize bytes per request
   * @param readAhead requests in flight while the caller reads
   * @param pool where requests run; shared by the backend's streams
   */
  protected RangeReadStream(ObjectKey key, int chunkSize, int readAhead, ExecutorService pool) {
    this.key = Objects.requireNonNull(key, "key");
    this.chunkSize = chunkSize;
    this.readAhead = readAhead;
    this.pool = pool;
  }

  /**
   * The key being read.
   *
   * @return the key
   */
  protected final ObjectKey key() {
    return key;
  }

  /**
   * Fetches the first chunk, unconditionally.
   *
   * @param offset the first byte
   * @param length how many bytes at most
   * @param wholeObject whether the caller asked for the whole object (an empty object is then not an
   *     invalid range)
   * @return the bytes and the object's size and version; for an empty whole object, zero bytes
   * @throws StorageException typed: not found, invalid range, ...
   */
  protected abstract FirstChunk fetchFirst(long offset, int length, boolean wholeObject);

  /**
   * Fetches a later chunk, conditional on the version, into a fresh buffer.
   *
   * @param offset the first byte
   * @param into where the bytes go; exactly {@code into.length} are expected
   * @param version the version the first request saw
   * @return how many bytes arrived
   * @throws StorageException typed; a changed version is a
   *     {@link io.kafkabackup.storage.PreconditionFailedException}
   */
  protected abstract int fetch(long offset, byte[] into, String version);

  /**
   * Opens one unconditional GET from an offset to the end of the object, if the provider streams
   * responses; the default does not.
   *
   * @param offset the first byte
   * @param wholeObject whether the caller asked for the whole object
   * @return the open response, or {@code null} to read in ranged chunks only
   * @throws StorageException typed: not found, invalid range, ...
   */
  protected OpenBody openBody(long offset, boolean wholeObject) {
    return null;
  }

  /**
   * The whole object's size, from a GET's answer: the total of its {@code Content-Range}, else its
   * {@code Content-Length}, else what arrived.
   *
   * @param contentRange the {@code Content-Range} header, or {@code null}
   * @param contentLength the {@code Content-Length} header, or {@code null}
   * @param received the bytes received
   * @return the object's size
   */
  protected static long objectSize(String contentRange, Long contentLength, long received) {
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        return Long.parseLong(contentRange.substring(slash + 1).trim());
      }
    }
    return contentLength != null ? contentLength : received;
  }

  /**
   * Issues the first request and starts the read-ahead.
   *
   * @param range the bytes to read, or {@code null} for the whole object
   * @throws InvalidRangeException if the range starts at or beyond the end
   */
  protected final void start(ByteRange range) {
    long offset = range == null ? 0 : range.offset();
    long wanted = range == null ? Long.MAX_VALUE : range.length();
    current = new Chunk(new byte[0], 0);
    if (range == null || range.isOpenEnded()) {
      OpenBody open = openBody(offset, range == null);
      if (open != null) {
        if (range != null && offset >= open.objectSize()) {
          closeQuietly(open.body());
          throw new InvalidRangeException("range starting at " + offset + " is beyond the end of '" + key + "' ("
              + open.objectSize() + " bytes)");
        }
        body = open.body();
        bodyOffset = offset;
        version = open.version();
        end = open.objectSize();
        return;
      }
    }
    FirstChunk first = fetchFirst(offset, (int) Math.min(chunkSize, wanted), range == null);
    if (range != null && offset >= first.objectSize()) {
      throw new InvalidRangeException("range starting at " + offset + " is beyond the end of '" + key + "' ("
          + first.objectSize() + " bytes)");
    }
    version = first.version();
    end = range == null || range.isOpenEnded() ? first.objectSize() : Math.min(first.objectSize(), offset + wanted);
    current = new Chunk(first.data(), (int) Math.min(first.length(), end - offset));
    nextOffset = offset + current.length();
    fillReadAhead();
  }

  private void fillReadAhead() {
    while (pending.size() < readAhead && nextOffset < end) {
      long offset = nextOffset;
      int length = (int) Math.min(chunkSize, end - offset);
      nextOffset += length;
      pending.add(pool.submit(() -> {
        byte[] buffer = new byte[length];
        int received = fetch(offset, buffer, version);
        if (received != length) {
          throw new io.kafkabackup.storage.PreconditionFailedException("'" + key + "' changed size while it was being read");
        }
        return new Chunk(buffer, received);
      }));
    }
  }

  /** Moves to the next chunk; false at the end. */
  private boolean advance() throws IOException {
    if (closed) {
      throw new IOException("stream of '" + key + "' is closed");
    }
    while (position >= current.length()) {
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
        throw new IOException("reading '" + key + "' failed: " + cause.getMessage(), cause);
      }
      fillReadAhead();
    }
    return true;
  }

  /**
   * Reads from the open response; on a break or an early end, hands over to ranged GETs from the byte
   * reached.
   *
   * @return bytes read, -1 at the end of the object, 0 after handing over
   */
  private int readBody(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = body.read(b, off, len);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      n = -1;
    }
    if (n > 0) {
      bodyOffset += n;
      return n;
    }
    if (n == 0) {
      return 0;
    }
    closeQuietly(body);
    body = null;
    if (bodyOffset >= end) {
      return -1;
    }
    nextOffset = bodyOffset;
    fillReadAhead();
    return 0;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the response is abandoned either way
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (closed) {
      throw new IOException("stream of '" + key + "' is closed");
    }
    if (body != null) {
      int n = readBody(b, off, len);
      if (n != 0 || body != null) {
        return n;
      }
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.data(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    if (closed) {
      return 0;
    }
    return body != null ? body.available() : current.length() - position;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (body != null) {
        closeQuietly(body);
      }
      pending.forEach(f -> f.cancel(true));
      pending.clear();
    }
  }
}
