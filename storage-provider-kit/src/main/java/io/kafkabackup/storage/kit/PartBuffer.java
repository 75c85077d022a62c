package io.kafkabackup.storage.kit;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The bytes of one part (or of a whole small object), held as chunks of at most {@value #CHUNK} bytes
 * rather than one array. The reason is the garbage collector: G1 places an array of half a region or
 * more (regions are 1 MiB in heaps under 2 GiB) as a "humongous" object in contiguous free regions, so
 * 8 MiB part buffers fragment a small heap and a 1 GiB upload then fails in 64 MiB. Chunks are ordinary
 * objects, reused from a pool the writer owns.
 *
 * <p>A provider sends the buffer as one request body: {@link #byteBuffers()} for clients that take a
 * list of buffers, {@link #inputStream()} for clients that read a stream (a new stream per attempt),
 * {@link #md5()} for a Content-MD5 header.
 */
public final class PartBuffer {
  /** The largest chunk: a quarter of G1's smallest region, far below the humongous threshold. */
  public static final int CHUNK = 256 * 1024;

  private final List<byte[]> chunks = new ArrayList<>();
  private final Queue<byte[]> pool;
  private final int capacity;
  private int length;
  private int allocated;
  private int nextChunk;

  /**
   * Creates an empty buffer.
   *
   * @param capacity the most bytes it will hold
   * @param firstChunk the size of the first chunk to allocate (smaller for small objects; later chunks
   *     double up to {@link #CHUNK})
   * @param pool full-size chunks to reuse, and where {@link #release()} returns them
   */
  PartBuffer(int capacity, int firstChunk, Queue<byte[]> pool) {
    this.capacity = capacity;
    this.pool = pool;
    this.nextChunk = Math.max(1, Math.min(CHUNK, firstChunk));
  }

  /**
   * Copies bytes in, as many as fit.
   *
   * @param b the source
   * @param off where to start in it
   * @param len how many bytes are offered
   * @return how many were taken
   */
  int write(byte[] b, int off, int len) {
    int taken = 0;
    while (taken < len && length < capacity) {
      if (length == allocated) {
        allocate();
      }
      byte[] chunk = chunks.get(chunks.size() - 1);
      int at = length - (allocated - chunk.length);
      int n = Math.min(len - taken, chunk.length - at);
      System.arraycopy(b, off + taken, chunk, at, n);
      length += n;
      taken += n;
    }
    return taken;
  }

  private void allocate() {
    int size = Math.min(nextChunk, capacity - allocated);
    byte[] chunk = size == CHUNK ? pool.poll() : null;
    chunks.add(chunk != null ? chunk : new byte[size]);
    allocated += size;
    nextChunk = Math.min(CHUNK, nextChunk * 2);
  }

  /**
   * Whether no more bytes fit.
   *
   * @return {@code true} when the length is the capacity
   */
  boolean isFull() {
    return length == capacity;
  }

  /**
   * The number of bytes held.
   *
   * @return the length
   */
  public int length() {
    return length;
  }

  /**
   * The content as read-only buffers, each positioned at its start; a new list on every call.
   *
   * @return the buffers, in order
   */
  public List<ByteBuffer> byteBuffers() {
    List<ByteBuffer> views = new ArrayList<>(chunks.size());
    int left = length;
    for (byte[] chunk : chunks) {
      int n = Math.min(left, chunk.length);
      if (n > 0) {
        views.add(ByteBuffer.wrap(chunk, 0, n).asReadOnlyBuffer());
      }
      left -= n;
    }
    return views;
  }

  /**
   * The content as a new stream.
   *
   * @return a stream of the bytes held
   */
  public InputStream inputStream() {
    return new InputStream() {
      private int chunk;
      private int at;
      private int remaining = length;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (remaining == 0) {
          return len == 0 ? 0 : -1;
        }
        byte[] current = chunks.get(chunk);
        int n = Math.min(Math.min(len, remaining), current.length - at);
        System.arraycopy(current, at, b, off, n);
        at += n;
        remaining -= n;
        if (at == current.length) {
          chunk++;
          at = 0;
        }
        return n;
      }

      @Override
      public int available() {
        return remaining;
      }
    };
  }

  /**
   * The MD5 of the content, for a {@code Content-MD5} header (Base64-encoded there).
   *
   * @return the 16-byte digest
   */
  public byte[] md5() {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byteBuffers().forEach(md5::update);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }

  /**
   * The content as one new array (for clients that only take arrays, and small objects).
   *
   * @return a copy of the bytes
   */
  public byte[] toArray() {
    byte[] all = new byte[length];
    int at = 0;
    for (ByteBuffer b : byteBuffers()) {
      int n = b.remaining();
      b.get(all, at, n);
      at += n;
    }
    return all;
  }

  /** Returns full-size chunks to the pool; the buffer is empty afterwards. */
  void release() {
    for (byte[] chunk : chunks) {
      if (chunk.length == CHUNK) {
        pool.offer(chunk);
      }
    }
    chunks.clear();
    length = 0;
    allocated = 0;
  }
}
