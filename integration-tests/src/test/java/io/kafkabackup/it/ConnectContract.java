package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.ConnectCluster;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors on a real Kafka Connect cluster: distributed workers in JVMs of their own (Kafka's
 * {@code ConnectDistributed}, the plugin directory the build made on {@code plugin.path}), connectors
 * created and reconfigured through the REST API, workers killed with {@code kill -9}. Each subclass runs
 * it on one provider's real server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
abstract class ConnectContract {
  private static final String SINK = "io.kafkabackup.connect.KafkaBackupSinkConnector";
  private static final String SOURCE = "io.kafkabackup.connect.KafkaBackupSourceConnector";
  private static final String BYTES = "org.apache.kafka.connect.converters.ByteArrayConverter";
  private KafkaBroker broker;
  private ConnectCluster connect;
  @TempDir
  static Path dir;

  /** A fresh, empty storage configuration; {@code name} tells tests of one class apart. */
  protected abstract Map<String, String> storageConfig(String name);

  @BeforeAll
  void start() throws Exception {
    broker = KafkaBroker.start();
    // The plugin directory and the workers' class path, as the build made them.
    connect = new ConnectCluster(broker, dir, Path.of("..", "backup-connect-plugin", "target", "plugin").toAbsolutePath(),
        Path.of("..", "connect-test-worker", "target", "lib").toAbsolutePath(), 512);
    connect.startWorker();
    connect.startWorker();
  }

  @AfterAll
  void stop() {
    if (connect != null) {
      connect.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private Map<String, String> sink(Map<String, String> storage, String backupId, List<String> topics, int tasks) {
    Map<String, String> c = new HashMap<>(storage);
    c.put("connector.class", SINK);
    c.put("tasks.max", String.valueOf(tasks));
    c.put("topics", String.join(",", topics));
    c.put("key.converter", BYTES);
    c.put("value.converter", BYTES);
    c.put("header.converter", BYTES);
    c.put("consumer.override.isolation.level", "read_committed");
    c.put("consumer.override.max.poll.records", "200");
    c.put("kafka.bootstrap.servers", broker.bootstrapServers());
    c.put("backup.id", backupId);
    c.put("backup.segment-max-records", "150");
    c.put("backup.segment-max-age", "1s");
    c.put("backup.checkpoint-interval", "5");
    return c;
  }

  private Map<String, String> source(Map<String, String> storage, String backupId, Map<String, String> renames,
      int tasks) {
    Map<String, String> c = new HashMap<>(storage);
    c.put("connector.class", SOURCE);
    c.put("tasks.max", String.valueOf(tasks));
    c.put("key.converter", BYTES);
    c.put("value.converter", BYTES);
    c.put("header.converter", BYTES);
    c.put("exactly.once.support", "required");
    c.put("transaction.boundary", "connector");
    c.put("kafka.bootstrap.servers", broker.bootstrapServers());
    c.put("restore.backup-id", backupId);
    c.put("restore.topics", String.join(",", renames.keySet()));
    c.put("restore.rename", renames.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
        .collect(Collectors.joining(",")));
    c.put("restore.poll-records", "100");
    return c;
  }

  /**
   * What a restored topic holds, as {@code view} shows it. A task the framework failed (an exactly-once
   * task whose start met the death of the leader it had to ask for fencing) is restarted first, as an
   * operator would; a failure of the connector's own never is.
   */
  private Map<Integer, List<String>> restored(String topic,
      java.util.function.Function<Map<Integer, List<BackupRecord>>, Map<Integer, List<String>>> view) {
    connect.restartFailedTasks("restore", trace -> !trace.contains("io.kafkabackup"));
    return view.apply(KafkaFixtures.readCommitted(broker, topic));
  }

  /** The newest record of each key, in key order: what compaction keeps. */
  private static Map<Integer, List<String>> newestByKey(Map<Integer, List<BackupRecord>> records) {
    Map<Integer, List<String>> out = new HashMap<>();
    records.forEach((p, list) -> {
      Map<String, String> newest = new TreeMap<>();
      list.forEach(r -> newest.put(HexFormat.of().formatHex(r.key()), KafkaFixtures.content(r)));
      out.put(p, List.copyOf(newest.values()));
    });
    return out;
  }

  private long committedSegments(StorageBackend storage, String backupId, String topic, int partitions) {
    long n = 0;
    for (int p = 0; p < partitions; p++) {
      n += KafkaFixtures.segments(storage, backupId, new SourcePartition(topic, p)).size();
    }
    return n;
  }

  private boolean exists(String topic) {
    try (Admin admin = broker.admin()) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private long endOffsets(String topic) {
    return KafkaFixtures.readCommitted(broker, topic).values().stream().mapToLong(List::size).sum();
  }

  /** Waits until {@code actual} equals {@code expected}; on a timeout, shows the difference. */
  private static void awaitEqual(Map<Integer, List<String>> expected, Supplier<Map<Integer, List<String>>> actual,
      String what) {
    try {
      ConnectCluster.await(Duration.ofSeconds(180), what, () -> actual.get().equals(expected));
    } catch (AssertionError e) {
      Map<Integer, List<String>> last = actual.get();
      Map<Integer, String> sizes = new TreeMap<>();
      expected.forEach((p, list) -> sizes.put(p, list.size() + " expected, " + last.getOrDefault(p, List.of()).size()
          + " restored"));
      assertEquals(expected, last, what + ": " + sizes);
    }
  }

  @Test
  void backupAndRestoreEveryRecordOnceThroughKilledWorkersAndAReconfiguration() throws Exception {
    Map<String, String> storageConfig = storageConfig("connect");
    String plain = "c-" + KafkaFixtures.PLAIN;
    String compacted = "c-" + KafkaFixtures.COMPACTED;
    String txn = "c-" + KafkaFixtures.TRANSACTIONAL;
    broker.createTopic(plain, 12, Map.of());
    broker.createTopic(compacted, 1, Map.of("cleanup.policy", "compact", "segment.ms", "100",
        "min.cleanable.dirty.ratio", "0.01"));
    broker.createTopic(txn, 3, Map.of());
    KafkaFixtures.producePlain(broker, plain, 12, 1200, 7);
    KafkaFixtures.produceCompacted(broker, compacted, 400);
    KafkaFixtures.produceTransactional(broker, txn, 3);
    List<String> topics = List.of(plain, compacted, txn);
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StorageBackend storage = StorageUnderTest.open(storageConfig)) {
      connect.put("backup", sink(storageConfig, "via-connect", topics, 4));
      connect.awaitRunning("backup", 4, Duration.ofSeconds(90));
      Future<Long> producer = pool.submit(() -> KafkaFixtures.produceWhile(broker, plain, 12, producing));
      ConnectCluster.await(Duration.ofSeconds(90), "the first commits",
          () -> committedSegments(storage, "via-connect", plain, 12) >= 12);
      connect.kill(connect.workers().get(0));
      connect.startWorker();
      connect.awaitRunning("backup", 4, Duration.ofSeconds(120));
      // Reconfigured mid-run: Connect stops every task and starts two, each claiming its new partitions.
      connect.put("backup", sink(storageConfig, "via-connect", topics, 2));
      connect.awaitRunning("backup", 2, Duration.ofSeconds(90));
      producing.set(false);
      assertTrue(producer.get() > 0);
      for (String topic : topics) {
        Map<Integer, List<BackupRecord>> expected = KafkaFixtures.readCommitted(broker, topic);
        ConnectCluster.await(Duration.ofSeconds(120), "the backup of " + topic + " to catch up",
            () -> KafkaFixtures.backedUp(storage, "via-connect", topic, expected.size()).equals(expected));
      }
      // The catalog sees it like any backup: listed, described, verified, with the groups' offsets stored.
      BackupCatalog catalog = new BackupCatalog(storage);
      assertTrue(catalog.list().stream().anyMatch(b -> b.backupId().equals("via-connect")), "listed");
      assertEquals(Set.of(plain, compacted, txn), Set.copyOf(catalog.topics("via-connect")));
      VerifyReport verified = catalog.verify("via-connect");
      assertTrue(verified.ok(), verified.toString());
      assertTrue(!catalog.groupSnapshotKeys("via-connect").isEmpty(), "the connector stores group snapshots");
      connect.delete("backup");

      // The library's (and the CLI's) restore reads what the connector wrote.
      new RestoreJob(storage, RestoreOptions.builder("via-connect").restoreId("cli").topics(TopicSelection.of(plain, txn))
          .renameTopic(plain, "cli-" + plain).renameTopic(txn, "cli-" + txn).kafka(broker.clientProperties())
          .build()).run();
      assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, plain)),
          KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, "cli-" + plain)));
      assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, txn)),
          KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, "cli-" + txn)));

      // The source connector restores it, exactly once through a worker killed mid-restore.
      Map<String, String> renames = Map.of(plain, "r-" + plain, compacted, "r-" + compacted, txn, "r-" + txn);
      connect.put("restore", source(storageConfig, "via-connect", renames, 3));
      ConnectCluster.await(Duration.ofSeconds(90), "the restore to begin",
          () -> exists("r-" + plain) && endOffsets("r-" + plain) > 0);
      connect.kill(connect.workers().get(0));
      connect.startWorker();
      for (String topic : List.of(plain, txn)) {
        Map<Integer, List<String>> expected = KafkaFixtures.contents(KafkaFixtures.backedUp(storage, "via-connect", topic,
            topic.equals(plain) ? 12 : 3));
        awaitEqual(expected, () -> restored(renames.get(topic), KafkaFixtures::contents), "the restore of " + topic);
      }
      // The restored compacted topic has the backed-up configs, so the broker compacts it too: what it must
      // hold is the newest record of every key (a tombstone included) — never an older one.
      Map<Integer, List<String>> newest = newestByKey(KafkaFixtures.backedUp(storage, "via-connect", compacted, 1));
      awaitEqual(newest, () -> restored(renames.get(compacted), ConnectContract::newestByKey),
          "the restore of " + compacted);
      connect.delete("restore");
    } finally {
      producing.set(false);
      pool.shutdownNow();
    }
  }

  /** A local key-encryption key, as a connector configuration gives it (a PASSWORD key Connect masks). */
  private static final Map<String, String> ENCRYPTION = Map.of("storage.encryption.kek", "local",
      "storage.encryption.local.key-id", "connect-kek",
      "storage.encryption.local.key", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef"
          .getBytes(StandardCharsets.US_ASCII)));

  private static Map<String, String> encrypted(Map<String, String> config) {
    Map<String, String> c = new HashMap<>(config);
    c.putAll(ENCRYPTION);
    return c;
  }

  @Test
  void anEncryptedCliBackupRestoresWithTheSourceConnectorTheSinkEncryptsAndACorruptSegmentFailsTheTask()
      throws Exception {
    Map<String, String> storageConfig = storageConfig("interop");
    String topic = "cli-made";
    String broken = "cli-broken";
    broker.createTopic(topic, 3, Map.of());
    broker.createTopic(broken, 1, Map.of());
    KafkaFixtures.producePlain(broker, topic, 3, 600, 3);
    KafkaFixtures.producePlain(broker, broken, 1, 300, 4);
    try (StorageBackend storage = StorageUnderTest.open(storageConfig);
        KeyWrapper kek = KeyWrappers.open(ENCRYPTION, Map.of(), getClass().getClassLoader()).orElseThrow()) {
      new BackupJob(storage, BackupOptions.builder("by-cli", TopicSelection.of(topic, broken))
          .kafka(broker.clientProperties()).segmentLimits(64 * 1024, 100, Duration.ofMinutes(5)).encryption(kek)
          .build()).run();
      connect.put("cli-restore", encrypted(source(storageConfig, "by-cli", Map.of(topic, "from-cli-" + topic), 2)));
      Map<Integer, List<String>> expected = KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, topic));
      awaitEqual(expected, () -> KafkaFixtures.contents(KafkaFixtures.readCommitted(broker, "from-cli-" + topic)),
          "the restore of an encrypted CLI backup");
      connect.delete("cli-restore");

      // The sink connector encrypts what it writes: every segment has a key object, and only the key decrypts it.
      connect.put("encrypting-backup", encrypted(sink(storageConfig, "encrypted-by-connect", List.of(topic), 2)));
      ConnectCluster.await(Duration.ofSeconds(120), "the encrypted backup to catch up",
          () -> committedRecords(storage, "encrypted-by-connect", topic, 3) >= 600);
      connect.delete("encrypting-backup");
      for (int p = 0; p < 3; p++) {
        for (SegmentEntry s : KafkaFixtures.segments(storage, "encrypted-by-connect", new SourcePartition(topic, p))) {
          assertTrue(storage.exists(BackupLayout.dataKey(ObjectKey.of(s.key()))), "a key object for " + s.key());
        }
      }
      VerifyReport withKey = new BackupCatalog(storage, new SegmentKeys(storage, kek)).verify("encrypted-by-connect");
      assertTrue(withKey.ok() && withKey.segmentsNotDecrypted() == 0 && withKey.segmentsChecked() > 0,
          withKey.toString());
      VerifyReport withoutKey = new BackupCatalog(storage).verify("encrypted-by-connect");
      assertEquals(withKey.segmentsChecked(), withoutKey.segmentsNotDecrypted(), withoutKey.toString());

      List<SegmentEntry> segments = KafkaFixtures.segments(storage, "by-cli", new SourcePartition(broken, 0));
      SegmentEntry third = segments.get(2);
      byte[] bytes = storage.get(ObjectKey.of(third.key()));
      bytes[bytes.length / 2] ^= 0x5a;
      storage.delete(ObjectKey.of(third.key()));
      storage.put(ObjectKey.of(third.key()), bytes);
      connect.put("broken-restore", encrypted(source(storageConfig, "by-cli", Map.of(broken, "from-cli-" + broken), 1)));
      String trace = connect.awaitFailedTask("broken-restore", Duration.ofSeconds(120));
      assertTrue(trace.contains(third.key()), "the failure names the segment: " + trace);
      // The two verified segments before it are restored; nothing of the corrupt one is visible.
      long restored = KafkaFixtures.readCommitted(broker, "from-cli-" + broken).get(0).size();
      assertTrue(restored <= segments.get(0).recordCount() + segments.get(1).recordCount(),
          restored + " records restored");
      connect.delete("broken-restore");
    }
  }

  private static long committedRecords(StorageBackend storage, String backupId, String topic, int partitions) {
    long n = 0;
    for (int p = 0; p < partitions; p++) {
      n += KafkaFixtures.segments(storage, backupId, new SourcePartition(topic, p)).stream()
          .mapToLong(SegmentEntry::recordCount).sum();
    }
    return n;
  }

  @Test
  void validationNamesEveryKeyThatCannotWork() {
    Map<String, String> config = sink(storageConfig("validate"), "v", List.of("t"), 1);
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.remove("consumer.override.isolation.level");
    config.put("backup.segment-max-age", "soon");
    config.put("storage.filesystem.rooot", "/tmp/x");
    Map<String, List<String>> errors = connect.validate(SINK, config);
    assertTrue(errors.containsKey("value.converter"), errors.toString());
    assertTrue(errors.containsKey("consumer.override.isolation.level"), errors.toString());
    assertTrue(errors.containsKey("backup.segment-max-age"), errors.toString());

    // Once the rest is valid, the storage and the encryption settings are opened and checked too.
    Map<String, String> encryption = sink(storageConfig("validate"), "v", List.of("t"), 1);
    encryption.put("name", "v");
    encryption.put("storage.encryption.kek", "local");
    Map<String, List<String>> encryptionErrors = connect.validate(SINK, encryption);
    assertTrue(encryptionErrors.containsKey("storage.encryption.local.key-id"), encryptionErrors.toString());

    Map<String, String> restore = source(storageConfig("validate"), "v", Map.of("t", "u"), 1);
    restore.put("transaction.boundary", "poll");
    restore.put("restore.partition-mapping", "random");
    Map<String, List<String>> restoreErrors = connect.validate(SOURCE, restore);
    assertTrue(restoreErrors.containsKey("transaction.boundary"), restoreErrors.toString());
    assertTrue(restoreErrors.containsKey("restore.partition-mapping"), restoreErrors.toString());
  }
}
