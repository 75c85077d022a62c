package io.kafkabackup.storage.bench;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.AzuriteServer;
import io.kafkabackup.storage.testkit.S3Endpoint;
import io.kafkabackup.storage.testkit.S3ProxyServer;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Finds the smallest heap ({@code -Xmx}) at which a 1 GiB upload and download through each provider,
 * with default tuning, succeeds, and reports the child JVM's peak resident set size.
 *
 * <p>System properties: {@code bench.memorySizeMiB}, {@code bench.providers}, {@code bench.memoryHeapsMiB}
 * (the heaps tried), {@code bench.childJavaOptions} (extra flags for the child, e.g. a GC log).
 */
final class MemoryProbe {
  /** The heaps tried, smallest first; {@code bench.memoryHeapsMiB} narrows them (e.g. to profile one). */
  private static final int[] HEAPS_MIB = Arrays.stream(System.getProperty("bench.memoryHeapsMiB", "32,48,64,96,128")
      .split(",")).mapToInt(h -> Integer.parseInt(h.trim())).toArray();

  private MemoryProbe() {
  }

  static String run(Bench.Settings s) throws Exception {
    long size = Long.getLong("bench.memorySizeMiB", 1024) << 20;
    Path data = Files.createTempDirectory("bench-memory");
    StringBuilder md = new StringBuilder("| provider (" + (size >> 20) + " MiB up + down) "
        + "| smallest -Xmx that succeeded | peak RSS at that heap |\n| --- | --- | --- |\n");
    try (AzuriteServer azurite = AzuriteServer.builder().mode(AzuriteServer.Mode.NPM).location(data.resolve("azurite"))
             .start();
         S3ProxyServer s3proxy = S3ProxyServer.start()) {
      Files.createDirectories(data.resolve("fs"));
      AzuriteEndpoint az = azurite.endpoint();
      new BlobServiceClientBuilder().connectionString(az.connectionString()).buildClient()
          .createBlobContainer("memory");
      S3Endpoint s3 = s3proxy.endpoint();
      try (S3Client raw = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
          .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey()))).build()) {
        raw.createBucket(b -> b.bucket("memory"));
      }
      Map<String, List<String>> providers = new LinkedHashMap<>();
      providers.put("filesystem", List.of("storage.backend=filesystem", "storage.filesystem.root=" + data.resolve("fs")));
      providers.put("azure", List.of("storage.backend=azure", "storage.azure.endpoint=" + az.blobEndpoint(),
          "storage.azure.account-name=" + az.accountName(), "storage.azure.account-key=" + az.accountKey(),
          "storage.azure.container=memory"));
      providers.put("s3", List.of("storage.backend=s3", "storage.s3.endpoint=" + s3.endpoint(),
          "storage.s3.path-style-access=true", "storage.s3.access-key-id=" + s3.accessKeyId(),
          "storage.s3.secret-access-key=" + s3.secretAccessKey(), "storage.s3.bucket=memory"));
      List<String> chosen = List.of(System.getProperty("bench.providers", "filesystem,azure,s3").split(","));
      providers.keySet().removeIf(name -> !chosen.contains(name));
      for (Map.Entry<String, List<String>> p : providers.entrySet()) {
        String result = "none of " + Arrays.toString(HEAPS_MIB) + " MiB";
        String rss = "";
        for (int heap : HEAPS_MIB) {
          String out = child(heap, size, p.getValue());
          System.out.println(p.getKey() + " -Xmx" + heap + "m: " + out.lines()
              .filter(l -> l.startsWith("ok ") || l.startsWith("Exception") || l.startsWith("Caused by"))
              .collect(Collectors.joining(" / ")));
          // Where the heap ran out: the first frames of the first failure.
          out.lines().dropWhile(l -> !l.startsWith("Exception")).skip(1).limit(8)
              .forEach(l -> System.out.println("    " + l.trim()));
          if (out.contains("ok VmHWM")) {
            result = heap + " MiB";
            rss = out.substring(out.indexOf("VmHWM:") + 7).trim().lines().findFirst().orElse("");
            break;
          }
        }
        md.append("| ").append(p.getKey()).append(" | ").append(result).append(" | ").append(rss).append(" |\n");
      }
    } finally {
      try (var paths = Files.walk(data)) {
        paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return md.toString();
  }

  private static String child(int heapMib, long size, List<String> config) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMib + "m"));
    // bench.childJavaOptions: extra flags for the child, such as a JFR recording of its allocations.
    String extra = System.getProperty("bench.childJavaOptions", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", classpath(), TransferChild.class.getName(), String.valueOf(size),
        "storage.metrics.enabled=false"));
    command.addAll(config);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return "timed out";
    }
    return out;
  }

  /** The bench's own classpath, also under exec:java, which loads it in a child class loader. */
  static String classpath() {
    ClassLoader loader = MemoryProbe.class.getClassLoader();
    if (loader instanceof URLClassLoader) {
      return Arrays.stream(((URLClassLoader) loader).getURLs()).map(u -> {
        try {
          return Path.of(u.toURI()).toString();
        } catch (URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }).collect(Collectors.joining(File.pathSeparator));
    }
    return System.getProperty("java.class.path");
  }
}
