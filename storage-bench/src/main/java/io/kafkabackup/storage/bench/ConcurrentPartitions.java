package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.tck.RandomStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A backup's shape: {@code partitions} writers at once, each streaming {@code segments} segments of
 * {@code segmentSize} bytes (unknown length, create-only), measured as aggregate MB/s.
 */
final class ConcurrentPartitions {
  private ConcurrentPartitions() {
  }

  static Measurement.Result measure(String name, StorageBackend backend, int partitions, int segments,
      long segmentSize, Bench.Settings s) throws Exception {
    int[] round = {0};
    return Measurement.measure(name + ", " + partitions + " partitions x " + segments + " x "
        + (segmentSize >> 20) + " MiB", s.warmups(), s.iterations(), () -> {
          int r = round[0]++;
          ExecutorService pool = Executors.newFixedThreadPool(partitions);
          try {
            List<Future<Long>> writers = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
              int partition = p;
              writers.add(pool.submit(() -> {
                long bytes = 0;
                for (int seg = 0; seg < segments; seg++) {
                  ObjectKey key = ObjectKey.of("partitions/" + r + "/" + partition + "/" + seg + ".log");
                  bytes += backend.put(key, new RandomStream(segmentSize, partition * 1000L + seg),
                      StorageBackend.UNKNOWN_LENGTH, PutOptions.createOnly()).size();
                  backend.delete(key);
                }
                return bytes;
              }));
            }
            long total = 0;
            for (Future<Long> w : writers) {
              total += w.get();
            }
            return total;
          } finally {
            pool.shutdownNow();
          }
        });
  }
}
