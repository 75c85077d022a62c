package io.kafkabackup.storage.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * What a workload drives: our backend, or a raw SDK (or plain NIO for the filesystem) doing the same
 * job with its best settings. Keys are plain strings so that both sides address the same objects.
 */
interface Target {
  /** Streams a large object. */
  void upload(String key, InputStream data, long size) throws Exception;

  /** Reads a whole object; returns its size. */
  long download(String key) throws Exception;

  /** Streams a whole object into {@code out} with one GET, as a shell pipe would; returns its size. */
  long downloadTo(String key, OutputStream out) throws Exception;

  /** Writes a small object from memory. */
  void put(String key, byte[] data) throws Exception;

  /** Reads an object's properties. */
  void stat(String key) throws Exception;

  /** Reads a small object into memory. */
  void get(String key) throws Exception;

  /** Lists every object under a prefix; returns how many. */
  long list(String prefix) throws Exception;

  /** Deletes many objects, in the store's bulk request where it has one. */
  void deleteAll(List<String> keys) throws Exception;
}
