package io.kafkabackup.storage.azure;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;

/**
 * A streaming response body, as the async client delivers it, read as an {@link InputStream}. Demand is
 * bounded: at most {@link #PREFETCH} buffers wait for the reader, so a slow reader holds the connection
 * back instead of buffering the blob. Every buffer that arrived before a failure is read before the
 * failure is thrown, so a caller that resumes does so from the last byte received. Closing cancels the
 * response.
 */
final class ResponseBodyStream extends InputStream implements Subscriber<ByteBuffer> {
  /** Buffers requested ahead of the reader; the HTTP client's buffers are at most tens of KiB each. */
  static final int PREFETCH = 32;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final Object COMPLETE = new Object();

  /** The end of a body that broke off. */
  private record Failure(Throwable cause) {
  }

  /** Buffers, then {@link #COMPLETE} or a {@link Failure}; demand keeps it at most {@link #PREFETCH} long. */
  private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
  private volatile Subscription subscription;
  private ByteBuffer current = EMPTY;
  private int takenSinceRequest;
  private Object end;

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
    signals.add(buffer);
  }

  @Override
  public void onError(Throwable t) {
    signals.add(new Failure(t));
  }

  @Override
  public void onComplete() {
    signals.add(COMPLETE);
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
      if (end == null) {
        Object signal;
        try {
          signal = signals.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the response body");
        }
        if (signal instanceof ByteBuffer) {
          current = (ByteBuffer) signal;
          if (++takenSinceRequest == PREFETCH / 2) {
            takenSinceRequest = 0;
            subscription.request(PREFETCH / 2);
          }
          continue;
        }
        end = signal;
      }
      if (end instanceof Failure) {
        Throwable cause = ((Failure) end).cause();
        throw new IOException("the response body broke off: " + cause.getMessage(), cause);
      }
      return false;
    }
    return true;
  }

  @Override
  public void close() {
    Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    signals.clear();
    current = EMPTY;
    end = COMPLETE;
  }
}
