package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.WriteMode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * A layer that times every call and reports it, with its outcome and the bytes it moved, to
 * {@link #record(StorageOperation)}. Streams and writers are reported when they are closed, so their
 * duration and byte count cover the whole transfer. The logging and metrics layers build on it.
 */
public abstract class ObservedStorageBackend extends ForwardingStorageBackend {

  /**
   * Wraps a backend.
   *
   * @param delegate the backend every call goes to
   */
  protected ObservedStorageBackend(StorageBackend delegate) {
    super(delegate);
  }

  /**
   * Receives each finished call. Must not throw and should be quick: it runs on the caller's thread.
   *
   * @param operation what happened
   */
  protected abstract void record(StorageOperation operation);

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    return observe("put", key.value(), () -> super.put(key, data, length, options), ObjectMetadata::size);
  }

  @Override
  public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
    return observe("put", key.value(), () -> super.put(key, data, options), ObjectMetadata::size);
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    long start = System.nanoTime();
    ObjectWriter writer = observe("write", key.value(), () -> super.openWriter(key, options), w -> 0);
    return new ObservedWriter(writer, start);
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    long start = System.nanoTime();
    return new ObservedInputStream(observe("get", key.value(), () -> super.openStream(key), s -> 0),
        key.value(), start);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    long start = System.nanoTime();
    return new ObservedInputStream(observe("get", key.value(), () -> super.openStream(key, range), s -> 0),
        key.value(), start);
  }

  @Override
  public byte[] get(ObjectKey key) {
    return observe("get", key.value(), () -> super.get(key), b -> b.length);
  }

  @Override
  public byte[] get(ObjectKey key, ByteRange range) {
    return observe("get", key.value(), () -> super.get(key, range), b -> b.length);
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    return observe("stat", key.value(), () -> super.stat(key), m -> 0);
  }

  @Override
  public boolean exists(ObjectKey key) {
    return observe("exists", key.value(), () -> super.exists(key), b -> 0);
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    long start = System.nanoTime();
    AtomicLong entries = new AtomicLong();
    Stream<ListEntry> stream = observe("list", options.prefix(), () -> super.list(options), s -> 0);
    return stream.peek(e -> entries.incrementAndGet()).onClose(() -> record(new StorageOperation(
        type(), "list", options.prefix(), entries.get(), since(start), null)));
  }

  @Override
  public void delete(ObjectKey key) {
    observe("delete", key.value(), () -> {
      super.delete(key);
      return null;
    }, v -> 0);
  }

  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    observe("delete_all", keys.size() + " keys", () -> {
      super.deleteAll(keys);
      return null;
    }, v -> keys.size());
  }

  @Override
  public ObjectMetadata copy(ObjectKey source, ObjectKey target, WriteMode mode) {
    return observe("copy", source + " -> " + target, () -> super.copy(source, target, mode), ObjectMetadata::size);
  }

  /** Runs a call, reporting failures always and successes when {@code bytes} is not for a stream. */
  private <T> T observe(String operation, String target, Supplier<T> call, ToLongFunction<T> bytes) {
    long start = System.nanoTime();
    T result;
    try {
      result = call.get();
    } catch (RuntimeException | Error e) {
      record(new StorageOperation(type(), operation, target, 0, since(start), e));
      throw e;
    }
    if (!isStreaming(result)) {
      record(new StorageOperation(type(), operation, target, bytes.applyAsLong(result), since(start), null));
    }
    return result;
  }

  private static boolean isStreaming(Object result) {
    return result instanceof InputStream || result instanceof ObjectWriter || result instanceof Stream;
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private final class ObservedInputStream extends FilterInputStream {
    private final String key;
    private final long start;
    private long bytes;
    private Throwable error;
    private boolean closed;

    ObservedInputStream(InputStream in, String key, long start) {
      super(in);
      this.key = key;
      this.start = start;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = super.read();
        if (b >= 0) {
          bytes++;
        }
        return b;
      } catch (IOException | RuntimeException e) {
        error = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          bytes += n;
        }
        return n;
      } catch (IOException | RuntimeException e) {
        error = e;
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      bytes += skipped;
      return skipped;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        super.close();
      } finally {
        record(new StorageOperation(type(), "get", key, bytes, since(start), error));
      }
    }
  }

  private final class ObservedWriter extends ObjectWriter {
    private final ObjectWriter writer;
    private final long start;
    private long bytes;
    private boolean reported;

    ObservedWriter(ObjectWriter writer, long start) {
      this.writer = writer;
      this.start = start;
    }

    @Override
    public ObjectKey key() {
      return writer.key();
    }

    @Override
    public void write(int b) throws IOException {
      writer.write(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        writer.write(b, off, len);
        bytes += len;
      } catch (IOException | RuntimeException e) {
        report(e);
        throw e;
      }
    }

    @Override
    public void flush() throws IOException {
      writer.flush();
    }

    @Override
    public void close() throws IOException {
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        report(e);
        throw e;
      }
      report(null);
    }

    @Override
    public void abort() {
      writer.abort();
      report(new CancellationException("aborted"));
    }

    @Override
    public ObjectMetadata metadata() {
      return writer.metadata();
    }

    private void report(Throwable error) {
      if (!reported) {
        reported = true;
        record(new StorageOperation(type(), "write", writer.key().value(), bytes, since(start), error));
      }
    }
  }
}
