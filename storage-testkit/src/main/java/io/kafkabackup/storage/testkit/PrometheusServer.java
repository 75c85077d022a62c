package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on loopback, scraping given targets,
 * queried through its HTTP API. Installed with {@code apt-get} on first use where it is missing (the
 * machines run the tests as root; {@code .ci/run} installs it up front). Stopped by {@link #close()}.
 */
public final class PrometheusServer implements AutoCloseable {
  /** The first sample value of an instant-vector answer: {@code "value":[<time>,"<value>"]}. */
  private static final Pattern FIRST_VALUE = Pattern.compile("\"value\":\\[[0-9.eE+-]+,\"([^\"]+)\"\\]");
  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus scraping {@code targets} ({@code host:port}, {@code /metrics}) every
   * {@code scrapeInterval}, and waits until it is ready.
   *
   * @param dir a directory for its configuration, data and log
   * @param targets what to scrape
   * @param scrapeInterval how often
   * @return the running server
   * @throws IOException if it cannot be installed or started
   */
  public static PrometheusServer start(Path dir, List<String> targets, Duration scrapeInterval) throws IOException {
    String binary = ensureInstalled();
    int port = AzuriteServer.freePort();
    Path config = dir.resolve("prometheus.yml");
    StringBuilder yaml = new StringBuilder("global:\n  scrape_interval: ").append(scrapeInterval.toMillis())
        .append("ms\n  evaluation_interval: ").append(scrapeInterval.toMillis()).append("ms\nscrape_configs:\n")
        .append("  - job_name: kafka-backup\n    static_configs:\n      - targets: [");
    for (int i = 0; i < targets.size(); i++) {
      yaml.append(i == 0 ? "" : ", ").append('"').append(targets.get(i)).append('"');
    }
    yaml.append("]\n");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(binary, "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
        "--web.listen-address=127.0.0.1:" + port, "--web.enable-lifecycle")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    PrometheusServer server = new PrometheusServer(process, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!server.ready()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IOException("prometheus did not become ready: " + Files.readString(dir.resolve("prometheus.log")));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    return server;
  }

  /**
   * Prometheus' rule checker from the same package, installing it where it is missing.
   *
   * @return the {@code promtool} binary
   * @throws IOException if it cannot be installed
   */
  public static Path promtool() throws IOException {
    return Path.of(ensureInstalled()).resolveSibling("promtool");
  }

  /** The {@code prometheus} binary, installing Debian's package where it is missing. */
  private static synchronized String ensureInstalled() throws IOException {
    for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    List<String> install = List.of("bash", "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus");
    try {
      Process p = new ProcessBuilder(install).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException("installing Debian's prometheus package failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while installing prometheus", e);
    }
    return "/usr/bin/prometheus";
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Evaluates an instant query.
   *
   * @param promql the query
   * @return the first sample's value, or empty when the answer holds no sample
   * @throws IOException if Prometheus does not answer
   */
  public OptionalDouble query(String promql) throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("query " + promql + " answered " + response.statusCode() + ": " + response.body());
      }
      Matcher m = FIRST_VALUE.matcher(response.body());
      return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while querying prometheus", e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
