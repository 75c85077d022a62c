package io.kafkabackup.storage.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times transfers: warm-up runs first, then measured runs, reporting the median and the spread (min to
 * max) of the rate, and the median CPU time per unit ({@link CpuClock}: this process and the servers a
 * fixture registered). A rate is "units" per second, where a run returns how many units it moved:
 * bytes/10^6 for MB/s, operations for ops/s.
 */
final class Measurement {
  /** One transfer; returns the units it moved. */
  interface Run {
    double run() throws Exception;
  }

  /**
   * One run: its rate, and the CPU seconds it cost per unit.
   *
   * @param rate units per second
   * @param cpuPerUnit CPU seconds per unit (per MB: thousands of CPU seconds per GB)
   */
  record Sample(double rate, double cpuPerUnit) {
  }

  /**
   * A measured workload.
   *
   * @param name what was measured
   * @param median the median rate
   * @param min the slowest run
   * @param max the fastest run
   * @param cpuPerUnit the median of the runs' CPU seconds per unit
   */
  record Result(String name, double median, double min, double max, double cpuPerUnit) {
    String row() {
      return String.format(Locale.ROOT, "| %s | %.0f | %.0f–%.0f |", name, median, min, max);
    }
  }

  private Measurement() {
  }

  static Result measure(String name, int warmups, int iterations, Run run) throws Exception {
    return interleaved(Map.of(name, run), warmups, iterations).get(0);
  }

  /**
   * Measures several runs that compete for the same servers round by round (A B C, then B C A, ...), so
   * that a server slowing down as it fills, or a noisy neighbour, affects each of them alike.
   */
  static List<Result> interleaved(Map<String, Run> runs, int warmups, int iterations) throws Exception {
    Map<String, List<Sample>> rates = new LinkedHashMap<>();
    for (int i = 0; i < warmups + iterations; i++) {
      round(runs, i, i < warmups ? new LinkedHashMap<>() : rates);
    }
    List<Result> results = new ArrayList<>();
    rates.forEach((name, r) -> results.add(result(name, r)));
    return results;
  }

  /** Runs each once, starting with a different one each round, and adds each rate to {@code rates}. */
  static void round(Map<String, Run> runs, int round, Map<String, List<Sample>> rates) throws Exception {
    List<String> names = new ArrayList<>(runs.keySet());
    for (int j = 0; j < names.size(); j++) {
      String name = names.get((round + j) % names.size());
      Sample sample = time(runs.get(name));
      rates.computeIfAbsent(name, n -> new ArrayList<>()).add(sample);
    }
  }

  /** Runs once and returns its rate in units per second and its CPU per unit. */
  static Sample time(Run run) throws Exception {
    long cpu0 = CpuClock.nanos();
    long start = System.nanoTime();
    double units = run.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Sample(units / seconds, (CpuClock.nanos() - cpu0) / 1e9 / units);
  }

  static Result result(String name, List<Sample> samples) {
    List<Double> sorted = samples.stream().map(Sample::rate).sorted().toList();
    List<Double> cpu = samples.stream().map(Sample::cpuPerUnit).sorted().toList();
    Result r = new Result(name, median(sorted), sorted.get(0), sorted.get(sorted.size() - 1), median(cpu));
    System.out.println(r.row());
    return r;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
