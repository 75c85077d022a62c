package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.Capabilities;
import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.WriteMode;
import java.io.InputStream;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A layer that passes every call, default methods included, to another backend. Extend it to add a
 * cross-cutting concern (retries, limits, auditing) around any backend by overriding only the calls
 * that concern touches.
 */
public abstract class ForwardingStorageBackend implements StorageBackend {
  private final StorageBackend delegate;

  /**
   * Wraps a backend.
   *
   * @param delegate the backend every call goes to
   */
  protected ForwardingStorageBackend(StorageBackend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The wrapped backend.
   *
   * @return the delegate
   */
  protected StorageBackend delegate() {
    return delegate;
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public KeyPrefix prefix() {
    return delegate.prefix();
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    return delegate.put(key, data, length, options);
  }

  @Override
  public ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
    return delegate.put(key, data, options);
  }

  @Override
  public ObjectMetadata put(ObjectKey key, byte[] data) {
    return put(key, data, PutOptions.overwrite());
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    return delegate.openWriter(key, options);
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    return delegate.openStream(key);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    return delegate.openStream(key, range);
  }

  @Override
  public byte[] get(ObjectKey key) {
    return delegate.get(key);
  }

  @Override
  public byte[] get(ObjectKey key, ByteRange range) {
    return delegate.get(key, range);
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    return delegate.stat(key);
  }

  @Override
  public boolean exists(ObjectKey key) {
    return delegate.exists(key);
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    return delegate.list(options);
  }

  @Override
  public Stream<ListEntry> list(String prefix) {
    return list(ListOptions.prefix(prefix));
  }

  @Override
  public void delete(ObjectKey key) {
    delegate.delete(key);
  }

  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    delegate.deleteAll(keys);
  }

  @Override
  public ObjectMetadata copy(ObjectKey source, ObjectKey target, WriteMode mode) {
    return delegate.copy(source, target, mode);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }
}
