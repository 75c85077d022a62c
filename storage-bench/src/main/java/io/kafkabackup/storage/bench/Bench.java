package io.kafkabackup.storage.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the benchmarks and writes their Markdown tables to {@code target/bench/}. Every server it needs
 * is started here, on loopback.
 *
 * <pre>
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java            # all workloads
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=providers
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=memory
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=azure-tuning
 * </pre>
 *
 * <p>System properties: {@code bench.sizeMiB} (object size, default 256), {@code bench.iterations}
 * (measured runs, default 3), {@code bench.warmups} (default 1), {@code bench.smallCount} (small objects,
 * default 2000).
 */
public final class Bench {
  private Bench() {
  }

  /**
   * Runs the named workloads.
   *
   * @param args workload names; none for all
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    List<String> workloads = args.length == 0 ? List.of("providers", "memory", "azure-tuning") : List.of(args);
    Path out = Path.of("target", "bench");
    Files.createDirectories(out);
    for (String w : workloads) {
      String table;
      switch (w) {
        case "azure-tuning":
          table = AzureTuning.run(settings());
          break;
        case "providers":
          table = ProviderComparison.run(settings());
          break;
        case "memory":
          table = MemoryProbe.run(settings());
          break;
        default:
          throw new IllegalArgumentException("unknown workload '" + w + "'; known: providers, memory, azure-tuning");
      }
      write(out.resolve(w + ".md"), table);
      System.out.println(table);
    }
  }

  static Settings settings() {
    return new Settings(Long.getLong("bench.sizeMiB", 256) << 20, Integer.getInteger("bench.warmups", 1),
        Integer.getInteger("bench.iterations", 3));
  }

  /**
   * What every workload shares.
   *
   * @param objectSize bytes per large object
   * @param warmups unmeasured runs first
   * @param iterations measured runs
   */
  record Settings(long objectSize, int warmups, int iterations) {
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
