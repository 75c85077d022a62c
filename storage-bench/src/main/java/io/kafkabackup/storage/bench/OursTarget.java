package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.stream.Collectors;

/** Our {@link StorageBackend}; large uploads are of unknown length, as a segment being written is. */
final class OursTarget implements Target {
  private final StorageBackend backend;

  OursTarget(StorageBackend backend) {
    this.backend = backend;
  }

  @Override
  public void upload(String key, InputStream data, long size) {
    backend.put(ObjectKey.of(key), data, StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
  }

  @Override
  public long download(String key) throws Exception {
    return downloadTo(key, OutputStream.nullOutputStream());
  }

  @Override
  public long downloadTo(String key, OutputStream out) throws Exception {
    try (InputStream in = backend.openStream(ObjectKey.of(key))) {
      return in.transferTo(out);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    backend.put(ObjectKey.of(key), data);
  }

  @Override
  public void stat(String key) {
    backend.stat(ObjectKey.of(key));
  }

  @Override
  public void get(String key) {
    backend.get(ObjectKey.of(key));
  }

  @Override
  public long list(String prefix) {
    try (var entries = backend.list(ListOptions.prefix(prefix))) {
      return entries.count();
    }
  }

  @Override
  public void deleteAll(List<String> keys) {
    backend.deleteAll(keys.stream().map(ObjectKey::of).collect(Collectors.toList()));
  }
}
