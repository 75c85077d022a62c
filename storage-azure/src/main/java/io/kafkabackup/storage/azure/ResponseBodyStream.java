package io.kafkabackup.storage.azure;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;

/**
 * A streaming response body, as the async client delivers it, read as an {@link InputStream}. Demand is
 * bounded: at most {@link #PREFETCH} buffers wait for the reader, so a slow reader holds the connection
 * back instead of buffering the blob. A reader that ran dry is woken once {@link #BATCH} buffers have
 * arrived (or the body ended), not for every buffer: waking a thread costs more than copying a buffer.
 * Every buffer that arrived before a failure is read before the failure is thrown, so a caller that
 * resumes does so from the last byte received. Closing cancels the response.
 */
final class ResponseBodyStream extends InputStream implements Subscriber<ByteBuffer> {
  /** Buffers requested ahead of the reader; the HTTP client's buffers are at most tens of KiB each. */
  static final int PREFETCH = 64;
  /**
   * Buffers taken between requests for more, and arrivals that wake a waiting reader. The reader asks
   * for {@code BATCH} more after taking {@code BATCH}, so when it runs dry at least {@code BATCH} are
   * still requested: a wake-up is always on its way.
   */
  static final int BATCH = PREFETCH / 2;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final Object COMPLETE = new Object();

  /** The end of a body that broke off. */
  private record Failure(Throwable cause) {
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  /** {@link #COMPLETE} or a {@link Failure}, once the body has ended; read after the buffers. */
  private Object end;
  private boolean readerWaiting;
  private volatile Subscription subscription;
  private ByteBuffer current = EMPTY;
  private int takenSinceRequest;
  private boolean closed;

  ResponseBodyStream(Flux<ByteBuffer> body) {
    body.subscribe(this);
  }

  @Override
  public void onSubscribe(Subscription s) {
    subscription = s;
    s.request(PREFETCH);
  }

  @Override
  public void onNext(ByteBuffer buffer) {
    lock.lock();
    try {
      buffers.add(buffer);
      if (readerWaiting && buffers.size() >= BATCH) {
        arrived.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onError(Throwable t) {
    ended(new Failure(t));
  }

  @Override
  public void onComplete() {
    ended(COMPLETE);
  }

  private void ended(Object signal) {
    lock.lock();
    try {
      end = signal;
      arrived.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    return nextBuffer() ? current.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!nextBuffer()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return current.remaining();
  }

  private boolean nextBuffer() throws IOException {
    while (!current.hasRemaining()) {
      if (closed) {
        return false;
      }
      ByteBuffer next;
      Object ended;
      lock.lock();
      try {
        while (buffers.isEmpty() && end == null) {
          readerWaiting = true;
          try {
            arrived.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response body");
          } finally {
            readerWaiting = false;
          }
        }
        next = buffers.poll();
        ended = end;
      } finally {
        lock.unlock();
      }
      if (next == null) {
        if (ended instanceof Failure) {
          Throwable cause = ((Failure) ended).cause();
          throw new IOException("the response body broke off: " + cause.getMessage(), cause);
        }
        return false;
      }
      current = next;
      if (++takenSinceRequest == BATCH) {
        takenSinceRequest = 0;
        subscription.request(BATCH);
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    lock.lock();
    try {
      buffers.clear();
    } finally {
      lock.unlock();
    }
    current = EMPTY;
  }
}
