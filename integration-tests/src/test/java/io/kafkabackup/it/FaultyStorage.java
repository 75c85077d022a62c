package io.kafkabackup.it;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.layer.ForwardingStorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage layer that fails the steps of the backup commit protocol on a schedule, as a real store
 * does now and then: a segment upload that fails at close, a commit write that fails before it lands,
 * and one that lands but whose answer is lost. The real backend underneath stores what gets through.
 */
final class FaultyStorage extends ForwardingStorageBackend {
  private final int segmentEvery;
  private final int commitBeforeEvery;
  private final int commitAfterEvery;
  private final AtomicInteger segments = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();

  FaultyStorage(StorageBackend delegate, int segmentEvery, int commitBeforeEvery, int commitAfterEvery) {
    super(delegate);
    this.segmentEvery = segmentEvery;
    this.commitBeforeEvery = commitBeforeEvery;
    this.commitAfterEvery = commitAfterEvery;
  }

  int injected() {
    return injected.get();
  }

  private static boolean isCommit(ObjectKey key) {
    return key.value().contains("/log/");
  }

  @Override
  public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
    if (!isCommit(key)) {
      return super.put(key, data, options);
    }
    int n = commits.incrementAndGet();
    if (n % commitBeforeEvery == 0) {
      injected.incrementAndGet();
      throw new StorageException("injected: commit write failed before it landed", null, true);
    }
    ObjectMetadata stored = super.put(key, data, options);
    if (n % commitAfterEvery == 0) {
      injected.incrementAndGet();
      throw new StorageException("injected: connection reset after the commit landed", null, true);
    }
    return stored;
  }

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    try {
      return put(key, data.readAllBytes(), options);
    } catch (IOException e) {
      throw new StorageException(e.getMessage(), e);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    ObjectWriter real = super.openWriter(key, options);
    boolean fail = segments.incrementAndGet() % segmentEvery == 0;
    return new ObjectWriter() {
      @Override
      public void write(int b) throws IOException {
        real.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        real.write(b, off, len);
      }

      @Override
      public ObjectKey key() {
        return real.key();
      }

      @Override
      public void close() throws IOException {
        if (fail) {
          real.abort();
          injected.incrementAndGet();
          throw new IOException("injected: segment upload failed at commit");
        }
        real.close();
      }

      @Override
      public void abort() {
        real.abort();
      }

      @Override
      public ObjectMetadata metadata() {
        return real.metadata();
      }
    };
  }

  @Override
  public void close() {
    // the test closes the real backend
  }
}
