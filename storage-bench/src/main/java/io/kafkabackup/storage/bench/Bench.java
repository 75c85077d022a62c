package io.kafkabackup.storage.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=pipeline
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=cache
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=codec
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=azure-cli
 * ./mvnw -q -pl storage-bench -am -DskipTests package exec:java -Dexec.args=connect
 * </pre>
 *
 * <p>System properties: {@code bench.sizesMiB} (large-object sizes, default {@code 256,1024}),
 * {@code bench.providers} (default {@code filesystem,azure,s3}), {@code bench.iterations}
 * (measured runs, default 5), {@code bench.warmups} (default 1), {@code bench.smallCount} (small objects,
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
        case "pipeline":
          table = PipelineBench.run();
          break;
        case "cache":
          table = CacheBench.run();
          break;
        case "codec":
          table = CodecBench.run();
          break;
        case "azure-cli":
          table = AzureCliAnchor.run();
          break;
        case "history":
          table = HistoryBench.run();
          break;
        case "connect":
          table = ConnectBench.run();
          break;
        case "encryption":
          table = EncryptionBench.run();
          break;
        default:
          throw new IllegalArgumentException("unknown workload '" + w + "'; known: providers, memory, azure-tuning, pipeline, cache, codec, azure-cli, history, "
              + "connect, encryption");
      }
      write(out.resolve(w + ".md"), table);
      System.out.println(table);
    }
  }

  static Settings settings() {
    long[] sizes = Arrays.stream(System.getProperty("bench.sizesMiB", "256,1024").split(","))
        .mapToLong(mib -> Long.parseLong(mib.trim()) << 20).toArray();
    return new Settings(sizes, Integer.getInteger("bench.warmups", 1), Integer.getInteger("bench.iterations", 5));
  }

  /**
   * What every workload shares.
   *
   * @param objectSizes the large objects' sizes, in bytes; the first is the one single-size workloads use
   * @param warmups unmeasured runs first
   * @param iterations measured runs
   */
  record Settings(long[] objectSizes, int warmups, int iterations) {
    long objectSize() {
      return objectSizes[0];
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
