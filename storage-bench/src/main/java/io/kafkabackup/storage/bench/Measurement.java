package io.kafkabackup.storage.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times a transfer: warm-up runs first, then measured runs, reporting the median and the spread (min to
 * max) in MB/s (10^6 bytes per second).
 */
final class Measurement {
  /** One transfer; returns the bytes it moved. */
  interface Run {
    long run() throws Exception;
  }

  /**
   * A measured workload.
   *
   * @param name what was measured
   * @param medianMbPerSecond the median throughput
   * @param minMbPerSecond the slowest run
   * @param maxMbPerSecond the fastest run
   */
  record Result(String name, double medianMbPerSecond, double minMbPerSecond, double maxMbPerSecond) {
    String row() {
      return String.format(Locale.ROOT, "| %s | %.0f | %.0f–%.0f |", name, medianMbPerSecond, minMbPerSecond,
          maxMbPerSecond);
    }
  }

  private Measurement() {
  }

  static Result measure(String name, int warmups, int iterations, Run run) throws Exception {
    for (int i = 0; i < warmups; i++) {
      run.run();
    }
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      long bytes = run.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      rates.add(bytes / 1e6 / seconds);
    }
    rates.sort(null);
    double median = rates.size() % 2 == 1 ? rates.get(rates.size() / 2)
        : (rates.get(rates.size() / 2 - 1) + rates.get(rates.size() / 2)) / 2;
    Result r = new Result(name, median, rates.get(0), rates.get(rates.size() - 1));
    System.out.println(r.row());
    return r;
  }
}
