package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.testkit.RandomStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Each provider next to the raw SDK doing the same job: large objects up and down, many small objects
 * (upload, stat, download, list, bulk delete) at concurrency 1 and 32, and concurrent partitions
 * streaming segments. Ours and the raw cells are measured interleaved on the same fresh server, and
 * every ratio is computed from medians of the same run.
 */
final class ProviderComparison {
  private static final int SMALL_COUNT = Integer.getInteger("bench.smallCount", 2000);
  private static final int SMALL_SIZE = 64 * 1024;
  private static final int PARTITIONS = Integer.getInteger("bench.partitions", 4);
  private static final int SEGMENTS = 2;
  private static final long SEGMENT_SIZE = Long.getLong("bench.segmentMiB", 128) << 20;
  private static final String OURS = "ours";

  /** One measured cell: which provider, which workload, whose implementation. */
  private record Row(String provider, String workload, String implementation, Measurement.Result result) {
  }

  private ProviderComparison() {
  }

  static String run(Bench.Settings s) throws Exception {
    List<Row> rows = new ArrayList<>();
    List<String> providers = Arrays.asList(System.getProperty("bench.providers", "filesystem,azure,s3").split(","));
    Path scratch = Fixture.scratchDirectory("bench");
    try {
      for (String provider : providers) {
        // The whole grid runs at the first size; later sizes run ours against the best raw cells found
        // there, with no warm-up (the JIT is warm by then).
        String[] best = null;
        for (long size : s.objectSizes()) {
          if (best == null) {
            best = large(rows, provider, scratch, size, s, null);
          } else {
            large(rows, provider, scratch, size, new Bench.Settings(s.objectSizes(), 0, s.iterations()), best);
          }
        }
        try (Fixture f = Fixture.open(provider, scratch)) {
          small(rows, f, s);
        }
        partitions(rows, provider, scratch, s);
      }
    } finally {
      Fixture.deleteTree(scratch);
    }
    return markdown(rows);
  }

  /**
   * One large object up and down, ours and each raw cell. Every round runs on a fresh server (emulators
   * slow down as they fill, and Azurite frees deleted blobs only minutes later) with the cells back to
   * back, starting with a different one each round.
   *
   * @param only the raw upload and download cells to run, or {@code null} for all
   * @return the labels of the fastest raw upload and download cells
   */
  private static String[] large(List<Row> rows, String provider, Path scratch, long size, Bench.Settings s,
      String[] only) throws Exception {
    Map<String, List<Measurement.Sample>> up = new LinkedHashMap<>();
    Map<String, List<Measurement.Sample>> down = new LinkedHashMap<>();
    String rawName = null;
    for (int round = 0; round < s.warmups() + s.iterations(); round++) {
      boolean measured = round >= s.warmups();
      try (Fixture f = Fixture.open(provider, scratch)) {
        if (only != null) {
          f.keepOnly(only[0], only[1]);
        }
        Map<String, Measurement.Run> uploads = new LinkedHashMap<>();
        List<String> written = new ArrayList<>();
        uploads.put(OURS, () -> upload(f.ours, "large-ours", size));
        written.add("large-ours");
        f.rawUploads.forEach((label, raw) -> {
          String key = "large-raw-" + written.size();
          uploads.put(label, () -> upload(raw, key, size));
          written.add(key);
        });
        Measurement.round(uploads, round, measured ? up : new LinkedHashMap<>());
        f.ours.deleteAll(written);

        f.ours.upload("large", new RandomStream(size, 1), size);
        Map<String, Measurement.Run> downloads = new LinkedHashMap<>();
        downloads.put(OURS, () -> f.ours.download("large") / 1e6);
        f.rawDownloads.forEach((label, raw) -> downloads.put(label, () -> raw.download("large") / 1e6));
        Measurement.round(downloads, round, measured ? down : new LinkedHashMap<>());
        rawName = f.rawName;
      }
    }
    String mib = (size >> 20) + " MiB";
    List<Measurement.Result> upResults = results(up);
    List<Measurement.Result> downResults = results(down);
    add(rows, provider, rawName, "upload " + mib + " (MB/s)", upResults);
    add(rows, provider, rawName, "download " + mib + " (MB/s)", downResults);
    return new String[] {fastestRaw(upResults), fastestRaw(downResults)};
  }

  private static List<Measurement.Result> results(Map<String, List<Measurement.Sample>> rates) {
    List<Measurement.Result> results = new ArrayList<>();
    rates.forEach((name, r) -> results.add(Measurement.result(name, r)));
    return results;
  }

  private static String fastestRaw(List<Measurement.Result> results) {
    return results.stream().filter(r -> !r.name().equals(OURS))
        .max((a, b) -> Double.compare(a.median(), b.median())).orElseThrow().name();
  }

  private static double upload(Target t, String key, long size) throws Exception {
    t.upload(key, new RandomStream(size, 1), size);
    return size / 1e6;
  }

  /** Small objects: ours under {@code small-ours/}, the raw SDK's under {@code small-raw/}. */
  private static void small(List<Row> rows, Fixture f, Bench.Settings s) throws Exception {
    int rounds = Math.min(3, s.iterations()); // each round is already SMALL_COUNT operations
    byte[] data = new RandomStream(SMALL_SIZE, 2).readAllBytes();
    Map<String, Target> targets = new LinkedHashMap<>();
    targets.put(OURS, f.ours);
    targets.put(f.rawSmallLabel, f.raw());
    Map<String, String> prefixes = Map.of(OURS, "small-ours/", f.rawSmallLabel, "small-raw/");
    Map<String, List<String>> keys = new LinkedHashMap<>();
    targets.forEach((label, t) -> keys.put(label, IntStream.range(0, SMALL_COUNT)
        .mapToObj(i -> String.format(Locale.ROOT, "%s%05d", prefixes.get(label), i)).collect(Collectors.toList())));
    for (int concurrency : new int[] {1, 32}) {
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      try {
        String suffix = " " + SMALL_COUNT + " x 64 KiB, x" + concurrency + " (ops/s)";
        Map<String, Measurement.Run> puts = new LinkedHashMap<>();
        Map<String, Measurement.Run> stats = new LinkedHashMap<>();
        Map<String, Measurement.Run> gets = new LinkedHashMap<>();
        targets.forEach((label, t) -> {
          List<String> k = keys.get(label);
          puts.put(label, () -> forAll(pool, k, key -> t.put(key, data)));
          stats.put(label, () -> forAll(pool, k, t::stat));
          gets.put(label, () -> forAll(pool, k, t::get));
        });
        add(rows, f.provider, f.rawName, "small put" + suffix, Measurement.interleaved(puts, 0, rounds));
        add(rows, f.provider, f.rawName, "small stat" + suffix, Measurement.interleaved(stats, 0, rounds));
        add(rows, f.provider, f.rawName, "small get" + suffix, Measurement.interleaved(gets, 0, rounds));
      } finally {
        pool.shutdownNow();
      }
    }
    Map<String, Measurement.Run> lists = new LinkedHashMap<>();
    targets.forEach((label, t) -> lists.put(label, () -> {
      long n = t.list(prefixes.get(label));
      if (n != SMALL_COUNT) {
        throw new IllegalStateException(label + " listed " + n + " of " + SMALL_COUNT + " objects");
      }
      return n;
    }));
    add(rows, f.provider, f.rawName, "list " + SMALL_COUNT + " (entries/s)", Measurement.interleaved(lists, 0, rounds));

    // Each bulk delete needs the objects back: re-upload them, untimed, between rounds.
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      Map<String, List<Measurement.Sample>> rates = new LinkedHashMap<>();
      for (int i = 0; i < rounds; i++) {
        for (Map.Entry<String, Target> t : targets.entrySet()) {
          List<String> k = keys.get(t.getKey());
          if (i > 0) {
            forAll(pool, k, key -> t.getValue().put(key, data));
          }
          rates.computeIfAbsent(t.getKey(), x -> new ArrayList<>()).add(Measurement.time(() -> {
            t.getValue().deleteAll(k);
            return k.size();
          }));
        }
      }
      add(rows, f.provider, f.rawName, "bulk delete " + SMALL_COUNT + " (objects/s)", results(rates));
    } finally {
      pool.shutdownNow();
    }
  }

  /** A backup's shape: partitions writing at once, each streaming segments; a fresh server per round. */
  private static void partitions(List<Row> rows, String provider, Path scratch, Bench.Settings s) throws Exception {
    Map<String, List<Measurement.Sample>> rates = new LinkedHashMap<>();
    String rawName = null;
    for (int round = 0; round < s.warmups() + s.iterations(); round++) {
      try (Fixture f = Fixture.open(provider, scratch)) {
        Map<String, Measurement.Run> runs = new LinkedHashMap<>();
        runs.put(OURS, () -> partitionsOnce(f.ours, "partitions-ours"));
        runs.put(f.rawSmallLabel, () -> partitionsOnce(f.raw(), "partitions-raw"));
        Measurement.round(runs, round, round >= s.warmups() ? rates : new LinkedHashMap<>());
        rawName = f.rawName;
      }
    }
    add(rows, provider, rawName, PARTITIONS + " partitions x " + SEGMENTS + " x " + (SEGMENT_SIZE >> 20)
        + " MiB (aggregate MB/s)", results(rates));
  }

  private static double partitionsOnce(Target t, String prefix) throws Exception {
    t.deleteAll(Target.writeSegments(t, prefix, PARTITIONS, SEGMENTS * SEGMENT_SIZE, SEGMENT_SIZE));
    return PARTITIONS * SEGMENTS * SEGMENT_SIZE / 1e6;
  }

  /** Runs an operation for every key on the pool; returns the number of operations. */
  private static double forAll(ExecutorService pool, List<String> keys, KeyOperation op) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (String k : keys) {
      futures.add(pool.submit(() -> {
        op.apply(k);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    return keys.size();
  }

  private interface KeyOperation {
    void apply(String key) throws Exception;
  }

  private static void add(List<Row> rows, String provider, String rawName, String workload,
      List<Measurement.Result> results) {
    results.forEach(r -> rows.add(new Row(provider, workload, r.name().equals(OURS) ? OURS : rawName + ": " + r.name(),
        r)));
  }

  private static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder("| provider | workload | implementation | median | spread | CPU |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f–%.0f | %s |%n", r.provider(), r.workload(),
          r.implementation(), r.result().median(), r.result().min(), r.result().max(), cpu(r)));
    }
    md.append("\n| provider | workload | ours ÷ best raw cell | best raw cell | CPU ours / raw | CPU ours ÷ raw |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    Map<String, Row> oursByWorkload = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.implementation().equals(OURS)) {
        oursByWorkload.put(r.provider() + "|" + r.workload(), r);
        rows.stream().filter(x -> x.provider().equals(r.provider()) && x.workload().equals(r.workload())
                && !x.implementation().equals(OURS))
            .max((a, b) -> Double.compare(a.result().median(), b.result().median()))
            .ifPresent(best -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s / %s | %.2f |%n",
                r.provider(), r.workload(), bold(r.result().median() / best.result().median()), best.implementation(),
                cpu(r), cpu(best), r.result().cpuPerUnit() / best.result().cpuPerUnit())));
      }
    }
    md.append("\n| workload | Azure ÷ S3 (ours) |\n| --- | --- |\n");
    oursByWorkload.forEach((id, azure) -> {
      Row s3 = oursByWorkload.get("s3|" + azure.workload());
      if (azure.provider().equals("azure") && s3 != null) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f |%n", azure.workload(),
            azure.result().median() / s3.result().median()));
      }
    });
    return md.toString();
  }

  /**
   * A cell's CPU cost: seconds per GB where the workload moves bytes (its unit is the MB), else
   * microseconds per operation (or listed entry).
   */
  private static String cpu(Row r) {
    double perUnit = r.result().cpuPerUnit();
    return r.workload().contains("MB/s") ? String.format(Locale.ROOT, "%.1f s/GB", perUnit * 1000)
        : String.format(Locale.ROOT, "%.0f µs/op", perUnit * 1e6);
  }

  /** Ratios under the 0.95 bar stand out. */
  private static String bold(double ratio) {
    String value = String.format(Locale.ROOT, "%.2f", ratio);
    return ratio < 0.95 ? "**" + value + "**" : value;
  }
}
