package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One real Kafka broker in KRaft combined mode (broker and controller in one), listening on 127.0.0.1
 * only, with every replication factor at 1. Starts in about three seconds; each instance is its own
 * cluster, so two of them are a source and a restore target.
 *
 * <p>Not {@code KafkaClusterTestKit} or spring-kafka-test: they bind 0.0.0.0.
 */
public final class KafkaBroker implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final int saslPort;
  private final KafkaRaftServer server;
  private final String clusterId;

  private KafkaBroker(Path dir, int port, int saslPort, KafkaRaftServer server, String clusterId) {
    this.dir = dir;
    this.port = port;
    this.saslPort = saslPort;
    this.server = server;
    this.clusterId = clusterId;
  }

  /**
   * Formats a fresh log directory and starts a broker.
   *
   * @return the running broker
   */
  public static KafkaBroker start() {
    return start(Map.of());
  }

  /**
   * Formats a fresh log directory and starts a broker with extra broker settings.
   *
   * @param overrides broker properties that replace or add to the defaults
   * @return the running broker
   */
  public static KafkaBroker start(Map<String, String> overrides) {
    return start(overrides, false);
  }

  /**
   * Starts a broker with a second listener that requires SASL/SCRAM-SHA-256 (no TLS, loopback only),
   * and creates a user for it. Clients reach it at {@link #saslBootstrapServers()}.
   *
   * @param user the SCRAM user to create
   * @param password its password
   * @return the running broker
   */
  public static KafkaBroker startWithScram(String user, String password) {
    KafkaBroker broker = start(Map.of(), true);
    try (Admin admin = broker.admin()) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password))).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      broker.close();
      throw new IllegalStateException("creating SCRAM user " + user + " failed: " + e.getMessage(), e);
    }
    return broker;
  }

  /**
   * Starts a broker that authorizes (KRaft's {@code StandardAuthorizer}): clients of the SASL/SCRAM
   * listener ({@link #saslBootstrapServers()}) are the given users and may do only what ACLs allow;
   * clients of the plaintext listener are {@code User:ANONYMOUS}, a super user, so tests set the broker
   * up and check it through {@link #admin()}.
   *
   * @param users SCRAM users and their passwords
   * @return the running broker
   */
  public static KafkaBroker startAuthorizing(Map<String, String> users) {
    KafkaBroker broker = start(Map.of("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users", "User:ANONYMOUS", "allow.everyone.if.no.acl.found", "false"), true);
    try (Admin admin = broker.admin()) {
      List<UserScramCredentialAlteration> upserts = new ArrayList<>();
      users.forEach((user, password) -> upserts.add(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)));
      admin.alterUserScramCredentials(upserts).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      broker.close();
      throw new IllegalStateException("creating SCRAM users failed: " + e.getMessage(), e);
    }
    return broker;
  }

  /**
   * Client properties of a SCRAM user on the SASL listener.
   *
   * @param user the user
   * @param password its password
   * @return a mutable map with {@code bootstrap.servers} and the SASL settings
   */
  public Map<String, Object> saslClientProperties(String user, String password) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", saslBootstrapServers());
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-256");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";");
    return props;
  }

  private static KafkaBroker start(Map<String, String> overrides, boolean scram) {
    try {
      Path dir = Files.createTempDirectory("kafka-broker-");
      int[] ports = freePorts(3);
      int port = ports[0];
      int controllerPort = ports[1];
      int saslPort = scram ? ports[2] : -1;
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("log.dirs", dir.resolve("logs").toString());
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "5");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "5");
      props.put("min.insync.replicas", "1");
      props.put("default.replication.factor", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("auto.create.topics.enable", "false");
      props.put("log.cleaner.backoff.ms", "500");
      props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
      if (scram) {
        props.put("listeners", props.get("listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        props.put("advertised.listeners", props.get("advertised.listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        props.put("listener.security.protocol.map", props.get("listener.security.protocol.map")
            + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
        props.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
      props.putAll(overrides);
      Path config = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "test broker");
      }
      String clusterId = Uuid.randomUuid().toString();
      int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()},
          new PrintStream(OutputStream.nullOutputStream()));
      if (rc != 0) {
        throw new IllegalStateException("formatting the KRaft log directory failed with " + rc);
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      KafkaBroker broker = new KafkaBroker(dir, port, saslPort, server, clusterId);
      broker.awaitReady();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Distinct free loopback ports: all are held open until every one is chosen, since a port closed at
   * once may be handed out again by the next bind (then two listeners would share it).
   */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = admin()) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("broker did not become ready in 60 s", e);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /**
   * The bootstrap address.
   *
   * @return {@code 127.0.0.1:port}
   */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * The SASL/SCRAM listener's address, on a broker started with {@link #startWithScram}.
   *
   * @return {@code 127.0.0.1:port}
   * @throws IllegalStateException if the broker has no such listener
   */
  public String saslBootstrapServers() {
    if (saslPort < 0) {
      throw new IllegalStateException("this broker was started without a SASL listener");
    }
    return "127.0.0.1:" + saslPort;
  }

  /**
   * The cluster's id.
   *
   * @return the id it was formatted with
   */
  public String clusterId() {
    return clusterId;
  }

  /**
   * Client properties that reach this broker.
   *
   * @return a mutable map with {@code bootstrap.servers}
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers());
    return props;
  }

  /**
   * Opens an admin client on this broker.
   *
   * @return the client; the caller closes it
   */
  public Admin admin() {
    return Admin.create(clientProperties());
  }

  /**
   * Creates a topic and waits until every partition has a leader that answers a list-offsets request,
   * so producing right after never meets {@code NOT_LEADER_OR_FOLLOWER}.
   *
   * @param name the topic
   * @param partitions its partition count
   * @param configs topic configs
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30,
          TimeUnit.SECONDS);
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(name, p));
      }
      awaitPartitions(admin, tps, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("creating topic " + name + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until every given partition answers a list-offsets request.
   *
   * @param admin a client of this cluster
   * @param partitions the partitions
   * @param timeout how long to wait
   */
  public static void awaitPartitions(Admin admin, Collection<TopicPartition> partitions, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    while (true) {
      try {
        admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("partitions " + partitions + " have no leader after " + timeout, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops the broker and deletes its log directory. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
