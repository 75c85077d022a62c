package io.kafkabackup.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kafkabackup.backup.kafka.JobHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of a running job, for Prometheus and Kubernetes: {@code /metrics} (Prometheus text,
 * rendered by Micrometer's Prometheus registry from the meters the job and the storage layer record),
 * {@code /health/live} and {@code /health/ready} (200 with {@code ok}, or 503 with the reason), which
 * {@code /metrics} also carries as {@code kafka_backup_service_live} and {@code kafka_backup_service_ready}
 * (1 or 0) for alerting. Served by the JDK's own HTTP server on one daemon thread: a scrape every few
 * seconds needs nothing more.
 */
public final class ServiceEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private ServiceEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving.
   *
   * @param address where to listen (port 0: any free port)
   * @param registry the registry the job records into
   * @param health the job's health, asked on every probe
   * @return the running endpoint
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static ServiceEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry,
      Supplier<JobHealth> health) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kafka-backup-metrics-endpoint");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    Gauge.builder("kafka.backup.service.live", health, h -> h.get().live() ? 1 : 0)
        .description("1 while the job runs and has not given up").register(registry);
    Gauge.builder("kafka.backup.service.ready", health, h -> h.get().ready() ? 1 : 0)
        .description("1 while the job has claimed its partitions and its commits succeed").register(registry);
    server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape()));
    server.createContext("/health/live", exchange -> probe(exchange, health.get(), JobHealth::live));
    server.createContext("/health/ready", exchange -> probe(exchange, health.get(), JobHealth::ready));
    server.start();
    return new ServiceEndpoint(server, executor);
  }

  /**
   * The port it listens on.
   *
   * @return the bound port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, JobHealth health, Function<JobHealth, Boolean> check)
      throws IOException {
    boolean ok = check.apply(health);
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : health.reason() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
