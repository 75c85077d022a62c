package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.JobHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The {@code metrics:} section and its flags: whether and where a job serves {@code /metrics} and its
 * health probes.
 */
final class MetricsSettings {
  static final Set<String> KEYS = Set.of("port", "address", "per-partition", "ready-storage-window");

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve /metrics (Prometheus) and /health/live, /health/ready on this port (metrics.port).")
  Integer port;
  @Option(names = "--metrics-address", paramLabel = "ADDRESS",
      description = "The address the metrics port binds to (metrics.address). Default: 0.0.0.0, every interface.")
  String address;

  /**
   * Where and how to serve.
   *
   * @param address the socket address
   * @param perPartition lag and recovery point per partition instead of per topic
   * @param readyStorageWindow how long commits may fail before the job is not ready
   */
  record Service(InetSocketAddress address, boolean perPartition, Duration readyStorageWindow) {

    /** Starts the endpoint; an address that cannot be bound is a configuration error. */
    ServiceEndpoint start(PrometheusMeterRegistry registry, Supplier<JobHealth> health) {
      try {
        return ServiceEndpoint.start(address, registry, health);
      } catch (UncheckedIOException e) {
        throw new ConfigException("metrics.port: " + e.getMessage());
      }
    }
  }

  /** The registry a job records into when it serves metrics, else null (no metrics are recorded). */
  static PrometheusMeterRegistry registry(Service service) {
    return service == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** The settings, or null when no port is configured. */
  Service build(CliContext ctx) {
    Section s = ctx.section("metrics").allow(KEYS);
    Integer p = port != null ? port : s.integer("port").orElse(null);
    if (p == null) {
      return null;
    }
    if (p < 0 || p > 65535) {
      throw new ConfigException((port != null ? "--metrics-port" : "metrics.port") + ": expected 0 to 65535, got " + p);
    }
    String host = address != null ? address : s.string("address").orElse("0.0.0.0");
    return new Service(new InetSocketAddress(host, p), s.bool("per-partition").orElse(false),
        s.duration("ready-storage-window").orElse(Duration.ofMinutes(2)));
  }
}
