package io.kafkabackup.storage.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Kafka Connect workers in distributed mode — Kafka's own {@code ConnectDistributed}, each a JVM of its
 * own so a test can {@code kill -9} it — with a plugin directory on {@code plugin.path}, driven through the
 * REST API on loopback. The workers' class path is a directory of Kafka's connect-runtime and its
 * dependencies alone: the connectors come from the plugin directory only, as in production. Each worker's
 * log is kept in {@code target/connect-workers}.
 */
public final class ConnectCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KafkaBroker broker;
  private final Path dir;
  private final Path pluginPath;
  private final Path workerLib;
  private final int heapMib;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final List<Worker> workers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * One worker.
   *
   * @param process its JVM
   * @param port its REST port on 127.0.0.1
   * @param log its log file
   */
  public record Worker(Process process, int port, Path log) {
    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  /**
   * A cluster with no worker yet.
   *
   * @param broker the Kafka cluster the workers use
   * @param dir where the workers' properties files go
   * @param pluginPath the workers' {@code plugin.path}
   * @param workerLib a directory of the jars of Kafka's connect-runtime and its dependencies
   * @param heapMib each worker's heap
   */
  public ConnectCluster(KafkaBroker broker, Path dir, Path pluginPath, Path workerLib, int heapMib) {
    if (!Files.isDirectory(pluginPath)) {
      throw new IllegalStateException("no plugin directory at " + pluginPath + ": build backup-connect-plugin first");
    }
    if (!Files.isDirectory(workerLib)) {
      throw new IllegalStateException("no worker class path at " + workerLib + ": build connect-test-worker first");
    }
    this.broker = broker;
    this.dir = dir;
    this.pluginPath = pluginPath;
    this.workerLib = workerLib;
    this.heapMib = heapMib;
  }

  /**
   * Starts a worker and waits until its REST API answers.
   *
   * @return the worker
   * @throws IOException if its JVM cannot be started
   */
  public Worker startWorker() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("group.id", "connect-" + id);
    for (String kind : List.of("config", "offset", "status")) {
      p.put(kind + ".storage.topic", "connect-" + id + "-" + kind + "s");
      p.put(kind + ".storage.replication.factor", "1");
    }
    p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("plugin.path", pluginPath.toString());
    p.put("listeners", "http://127.0.0.1:" + port);
    p.put("rest.advertised.host.name", "127.0.0.1");
    p.put("rest.advertised.port", String.valueOf(port));
    p.put("exactly.once.source.support", "enabled");
    p.put("offset.flush.interval.ms", "1000");
    // A killed worker's tasks move within seconds, not the default five minutes.
    p.put("scheduled.rebalance.max.delay.ms", "2000");
    p.put("session.timeout.ms", "8000");
    p.put("heartbeat.interval.ms", "1000");
    p.put("consumer.session.timeout.ms", "8000");
    p.put("consumer.heartbeat.interval.ms", "1000");
    Path file = dir.resolve("worker-" + id + "-" + port + ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, null);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMib + "m");
    // Coverage of the connectors: the same JaCoCo agent as this JVM (it appends to the same file at exit).
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-javaagent:") && a.contains("jacoco")).forEach(command::add);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Dorg.slf4j.simpleLogger.log.io.kafkabackup=info");
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.runtime=info");
    command.add("-cp");
    command.add(workerLib + File.separator + "*");
    command.add("org.apache.kafka.connect.cli.ConnectDistributed");
    command.add(file.toString());
    // Kept in target/ after the test, for a failure's story.
    Path logs = Files.createDirectories(Path.of("target", "connect-workers"));
    Path log = logs.resolve(file.getFileName().toString().replace(".properties", ".log")).toAbsolutePath();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Worker worker = new Worker(process, port, log);
    workers.add(worker);
    await(Duration.ofSeconds(90), "worker on port " + port + " to answer (log " + log + ")", () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("worker exited: see " + log);
      }
      return statusOf(worker, "/connectors") == 200;
    });
    return worker;
  }

  /**
   * {@code kill -9}: the worker gets no chance to commit, close or leave its group.
   *
   * @param worker the worker
   * @throws InterruptedException if interrupted while waiting for it to exit
   */
  public void kill(Worker worker) throws InterruptedException {
    worker.process().destroyForcibly();
    worker.process().waitFor(30, TimeUnit.SECONDS);
    workers.remove(worker);
  }

  /**
   * The running workers, oldest first.
   *
   * @return a copy
   */
  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /**
   * Creates or reconfigures a connector.
   *
   * @param name the connector's name
   * @param config its configuration
   */
  public void put(String name, Map<String, String> config) {
    HttpResponse<String> r = send("PUT", "/connectors/" + name + "/config", config);
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("PUT connector " + name + ": " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * Validates a configuration through the REST API.
   *
   * @param connectorClass the connector's class name
   * @param config the configuration
   * @return the error messages by key (keys without errors left out)
   */
  public Map<String, List<String>> validate(String connectorClass, Map<String, String> config) {
    HttpResponse<String> r = send("PUT", "/connector-plugins/" + connectorClass + "/config/validate", config);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("validate: " + r.statusCode() + " " + r.body());
    }
    Map<String, List<String>> errors = new TreeMap<>();
    for (JsonNode c : read(r.body()).get("configs")) {
      JsonNode value = c.get("value");
      List<String> messages = new ArrayList<>();
      value.get("errors").forEach(e -> messages.add(e.asText()));
      if (!messages.isEmpty()) {
        errors.put(value.get("name").asText(), messages);
      }
    }
    return errors;
  }

  /**
   * Deletes a connector.
   *
   * @param name the connector's name
   */
  public void delete(String name) {
    send("DELETE", "/connectors/" + name, null);
  }

  /**
   * The connector's status document.
   *
   * @param name the connector's name
   * @return the document, or null when the connector does not exist (yet)
   */
  public JsonNode status(String name) {
    HttpResponse<String> r = send("GET", "/connectors/" + name + "/status", null);
    return r.statusCode() == 200 ? read(r.body()) : null;
  }

  /**
   * Waits until the connector and {@code tasks} tasks run; fails at once naming a failed task's trace.
   *
   * @param name the connector's name
   * @param tasks how many tasks
   * @param timeout how long to wait
   */
  public void awaitRunning(String name, int tasks, Duration timeout) {
    await(timeout, "connector " + name + " with " + tasks + " running tasks", () -> {
      JsonNode s = status(name);
      if (s == null) {
        return false;
      }
      int running = 0;
      for (JsonNode t : s.get("tasks")) {
        if (t.get("state").asText().equals("FAILED")) {
          throw new IllegalStateException("task " + t.get("id") + " of " + name + " failed: " + t.get("trace"));
        }
        running += t.get("state").asText().equals("RUNNING") ? 1 : 0;
      }
      return s.get("connector").get("state").asText().equals("RUNNING") && running == tasks
          && s.get("tasks").size() == tasks;
    });
  }

  /**
   * Waits until a task of the connector fails.
   *
   * @param name the connector's name
   * @param timeout how long to wait
   * @return the failed task's trace
   */
  public String awaitFailedTask(String name, Duration timeout) {
    String[] trace = new String[1];
    await(timeout, "a failed task of " + name, () -> {
      JsonNode s = status(name);
      if (s != null) {
        for (JsonNode t : s.get("tasks")) {
          if (t.get("state").asText().equals("FAILED")) {
            trace[0] = t.get("trace").asText();
            return true;
          }
        }
      }
      return false;
    });
    return trace[0];
  }

  /**
   * Restarts the connector's failed tasks whose trace {@code restartable} accepts — what an operator (or
   * Strimzi's {@code autoRestart}) does: Connect leaves a task that failed for good {@code FAILED}, such
   * as an exactly-once task whose start met the leader's death (its fencing request went to the dead one).
   *
   * @param name the connector's name
   * @param restartable which failures to restart, by trace
   * @return how many tasks were restarted
   */
  public int restartFailedTasks(String name, Predicate<String> restartable) {
    JsonNode s = status(name);
    int restarted = 0;
    if (s != null) {
      for (JsonNode t : s.get("tasks")) {
        if (t.get("state").asText().equals("FAILED") && restartable.test(t.get("trace").asText())) {
          send("POST", "/connectors/" + name + "/tasks/" + t.get("id").asInt() + "/restart", null);
          restarted++;
        }
      }
    }
    return restarted;
  }

  private HttpResponse<String> send(String method, String path, Object body) {
    RuntimeException last = null;
    for (Worker worker : List.copyOf(workers)) {
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(worker.uri(path)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409 || r.statusCode() >= 500) {
          last = new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
          continue; // a rebalance is under way, or the leader is gone: another worker may answer
        }
        return r;
      } catch (IOException e) {
        last = new IllegalStateException(method + " " + path + " on port " + worker.port() + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw last != null ? last : new IllegalStateException("no worker runs");
  }

  /** The status code of a GET, or -1 while the worker does not accept connections yet. */
  private int statusOf(Worker worker, String path) {
    try {
      return http.send(HttpRequest.newBuilder(worker.uri(path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  /**
   * Polls {@code condition} every 200 ms until it holds. An {@link IllegalStateException} from it fails
   * at once; other exceptions count as "not yet".
   *
   * @param timeout how long to wait
   * @param what what is waited for, for the failure's message
   * @param condition the condition
   * @throws AssertionError naming {@code what} after {@code timeout}
   */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (IllegalStateException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
  }

  /** Stops every worker gracefully (SIGTERM: Connect's shutdown hook stops its tasks). */
  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.process().destroy();
    }
    for (Worker worker : workers) {
      try {
        if (!worker.process().waitFor(30, TimeUnit.SECONDS)) {
          worker.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.clear();
  }
}
