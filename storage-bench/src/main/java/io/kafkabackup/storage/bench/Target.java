package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.testkit.RandomStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

  /**
   * A backup's write shape: {@code writers} at once, each streaming {@code bytesPerWriter} of random
   * data as objects of {@code segmentBytes} (the last one shorter) under {@code prefix/<writer>/}.
   *
   * @return every key written
   */
  static List<String> writeSegments(Target target, String prefix, int writers, long bytesPerWriter, long segmentBytes)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        running.add(pool.submit(() -> {
          for (long done = 0, seg = 0; done < bytesPerWriter; done += segmentBytes, seg++) {
            long size = Math.min(segmentBytes, bytesPerWriter - done);
            target.upload(segmentKey(prefix, writer, seg), new RandomStream(size, writer * 1000L + seg), size);
          }
          return null;
        }));
      }
      for (Future<?> r : running) {
        r.get();
      }
      return segmentKeys(prefix, writers, bytesPerWriter, segmentBytes);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The keys {@link #writeSegments} writes with these arguments. */
  static List<String> segmentKeys(String prefix, int writers, long bytesPerWriter, long segmentBytes) {
    List<String> keys = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (long done = 0, seg = 0; done < bytesPerWriter; done += segmentBytes, seg++) {
        keys.add(segmentKey(prefix, w, seg));
      }
    }
    return keys;
  }

  private static String segmentKey(String prefix, int writer, long segment) {
    return prefix + "/" + writer + "/" + segment;
  }

  /** Reads every object whole ({@link #download}), {@code readers} at once. */
  static void readAll(Target target, List<String> keys, int readers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      List<Future<Long>> reads = new ArrayList<>();
      for (String key : keys) {
        reads.add(pool.submit(() -> target.download(key)));
      }
      for (Future<Long> r : reads) {
        r.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
