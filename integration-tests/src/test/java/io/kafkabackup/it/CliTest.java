package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.security.KeyPairGenerator;
import java.security.KeyPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The kafka-backup command line, in-process and through the built launcher, on a real broker and Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CliTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();
  private static final ObjectMapper JSON = new ObjectMapper();
  private KafkaBroker broker;
  @TempDir
  Path dir;

  @BeforeAll
  void start() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  void stop() {
    broker.close();
  }

  private static CliRun cli(Map<String, String> env, String... args) {
    return CliRun.run(env, args);
  }

  private Path config(String text) throws IOException {
    Path file = Files.createTempFile(dir, "cfg-", ".yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private String azureStorage(String container) {
    return "storage:\n  backend: azure\n  azure:\n    account-name: " + AZURITE.endpoint().accountName()
        + "\n    account-key: ${AZ_KEY}\n    endpoint: " + AZURITE.endpoint().blobEndpoint()
        + "\n    container: " + container + "\n    create-container: true\n";
  }

  @Test
  void aTopicCreatedAgainIsDescribedAsTwoIncarnationsAndEitherRestoresByTopicId() throws Exception {
    broker.createTopic("cli-recreated", 1, Map.of());
    KafkaFixtures.producePlain(broker, "cli-recreated", 1, 120, 5);
    String oldId = KafkaFixtures.topicId(broker, "cli-recreated");
    Map<String, String> env = Map.of("AZ_KEY", AZURITE.endpoint().accountKey(), "BOOT", broker.bootstrapServers());
    Path cfg = config(azureStorage("cliincarnations") + "kafka:\n  bootstrap.servers: ${BOOT}\n"
        + "backup:\n  id: twice\n  topics: [cli-recreated]\n"
        + "restore:\n  backup-id: twice\n");
    assertEquals(0, cli(env, "backup", "-c", cfg.toString()).code());
    KafkaFixtures.recreateTopic(broker, "cli-recreated", 1);
    KafkaFixtures.producePlain(broker, "cli-recreated", 1, 70, 6);
    String newId = KafkaFixtures.topicId(broker, "cli-recreated");
    CliRun again = cli(env, "backup", "-c", cfg.toString(), "-o", "json");
    assertEquals(0, again.code(), again.err());
    assertEquals(70, JSON.readTree(again.out()).get("records").asLong());

    JsonNode partition = JSON.readTree(cli(env, "describe", "-c", cfg.toString(), "twice", "-o", "json").out())
        .get("topics").get(0).get("partitions").get(0);
    assertEquals(List.of(oldId, newId), partition.get("incarnations").findValuesAsText("topicId"));
    assertEquals(120, partition.get("incarnations").get(0).get("records").asLong());
    assertEquals(70, partition.get("incarnations").get(1).get("records").asLong());
    String table = cli(env, "describe", "-c", cfg.toString(), "twice").out();
    assertTrue(table.contains("TOPIC ID") && table.contains(oldId) && table.contains(newId), table);

    CliRun newest = cli(env, "restore", "-c", cfg.toString(), "--rename", "cli-recreated=cli-recreated-newest");
    assertEquals(0, newest.code(), newest.err());
    CliRun old = cli(env, "restore", "-c", cfg.toString(), "--restore-id", "twice-old", "--incarnation",
        "cli-recreated=" + oldId, "--rename", "cli-recreated=cli-recreated-old");
    assertEquals(0, old.code(), old.err());
    assertEquals(70, KafkaFixtures.readCommitted(broker, "cli-recreated-newest").get(0).size());
    assertEquals(120, KafkaFixtures.readCommitted(broker, "cli-recreated-old").get(0).size());
    CliRun unknown = cli(env, "restore", "-c", cfg.toString(), "--restore-id", "twice-x", "--incarnation",
        "cli-recreated=AAAAAAAAAAAAAAAAAAAAAA", "--dry-run");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("no incarnation with topic id AAAAAAAAAAAAAAAAAAAAAA")
        && unknown.err().contains(oldId), unknown.err());
    // another restore id into a topic that holds records: refused before anything is written, unless told
    CliRun notEmpty = cli(env, "restore", "-c", cfg.toString(), "--restore-id", "twice-again", "--rename",
        "cli-recreated=cli-recreated-newest");
    assertEquals(2, notEmpty.code());
    assertTrue(notEmpty.err().contains("'cli-recreated-newest' is not empty") && !notEmpty.err().contains("\tat "),
        notEmpty.err());
    CliRun plan = cli(env, "restore", "-c", cfg.toString(), "--restore-id", "twice-again", "--rename",
        "cli-recreated=cli-recreated-newest", "--on-existing-data", "append", "--dry-run");
    assertEquals(0, plan.code(), plan.err());
    assertTrue(plan.out().contains("offsets: append"), plan.out());
    assertEquals(70, KafkaFixtures.readCommitted(broker, "cli-recreated-newest").get(0).size());

    // the evidence: compared record by record, signed, the signature checked, a changed report refused
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path privateKey = Files.writeString(dir.resolve("sign.pem"),
        KafkaFixtures.pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Path publicKey = Files.writeString(dir.resolve("sign.pub.pem"),
        KafkaFixtures.pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    Path report = dir.resolve("evidence.json");
    CliRun validated = cli(env, "validate-restore", "-c", cfg.toString(), "--rename",
        "cli-recreated=cli-recreated-newest", "--report", report.toString(), "--signing-key", privateKey.toString());
    assertEquals(0, validated.code(), validated.err());
    assertTrue(validated.out().contains("70 restored records") && validated.out().contains("identical"),
        validated.out());
    assertEquals(70, JSON.readTree(report.toFile()).get("partitions").get(0).get("restoredRecords").asLong());
    CliRun signed = cli(env, "validate-restore", "--check-signature", report.toString(), "--public-key",
        publicKey.toString());
    assertEquals(0, signed.code(), signed.err());
    String evidence = Files.readString(report);
    String forged = evidence.replaceFirst("\"restoredRecords\"\\s*:\\s*70", "\"restoredRecords\":71");
    assertTrue(!forged.equals(evidence));
    Files.writeString(report, forged);
    CliRun tampered = cli(env, "validate-restore", "--check-signature", report.toString(), "--public-key",
        publicKey.toString());
    assertEquals(3, tampered.code());
    assertTrue(tampered.out().contains("signature INVALID"), tampered.out());
    CliRun otherIncarnation = cli(env, "validate-restore", "-c", cfg.toString(), "--rename",
        "cli-recreated=cli-recreated-newest", "--incarnation", "cli-recreated=" + oldId);
    assertEquals(3, otherIncarnation.code(), "the older incarnation is not what was restored there: "
        + otherIncarnation.out());

    // a cluster without an authorizer: recorded as such, nothing to apply, never an error
    assertTrue(table.contains("no authorizer on the cluster"), table);
    CliRun security = cli(env, "restore", "-c", cfg.toString(), "--restore-id", "twice-acl", "--rename",
        "cli-recreated=cli-recreated-acl", "--acls", "--quotas", "--dry-run");
    assertEquals(0, security.code(), security.err());
    assertTrue(security.out().contains("ACLs to create (the backed-up cluster had no authorizer)")
        && security.out().contains("client quotas to set:"), security.out());
  }

  @Test
  void aMissingTopicIsAConfigurationErrorThatLeavesNothingBehind() throws Exception {
    Path store = dir.resolve("missing-store");
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + store + "\n"
        + "kafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n"
        + "backup:\n  id: never\n  topics: [no-such-topic]\n");
    CliRun backup = cli(Map.of(), "backup", "-c", cfg.toString());
    assertEquals(2, backup.code(), backup.err());
    assertTrue(backup.err().contains("configuration error") && backup.err().contains("'no-such-topic' does not exist"),
        backup.err());
    assertTrue(!Files.exists(store.resolve("never")), "nothing of backup 'never' is stored");
  }

  @Test
  void aRestoreWritesToTheClusterOfItsOwnKafkaSectionOverTheBackupsOne() throws Exception {
    broker.createTopic("cli-dr", 1, Map.of());
    KafkaFixtures.producePlain(broker, "cli-dr", 1, 40, 8);
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + dir.resolve("dr-store") + "\n"
        + "    create-root: true\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\n  client.id: from-the-kafka-section\n"
        + "backup:\n  id: to-dr\n  topics: [cli-dr]\n"
        + "restore:\n  backup-id: to-dr\n  rename: {cli-dr: cli-dr-restored}\n"
        + "  kafka:\n    bootstrap.servers: " + broker.bootstrapServers() + "\n");
    CliRun backup = cli(Map.of(), "backup", "-c", cfg.toString(), "-X", "bootstrap.servers=" + broker.bootstrapServers());
    assertEquals(0, backup.code(), backup.err());
    CliRun restore = cli(Map.of(), "restore", "-c", cfg.toString());
    assertEquals(0, restore.code(), restore.err());
    assertEquals(40, KafkaFixtures.readCommitted(broker, "cli-dr-restored").get(0).size());
  }

  @Test
  void configCheckNamesAnUnreachableClusterWithinItsTimeoutWithoutAStackTrace() throws Exception {
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + dir.resolve("check-store")
        + "\n    create-root: true\nkafka:\n  bootstrap.servers: 127.0.0.1:1\n");
    long started = System.nanoTime();
    CliRun check = cli(Map.of(), "config", "check", "-c", cfg.toString(), "--timeout", "3s");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertEquals(1, check.code(), check.out() + check.err());
    assertTrue(check.out().contains("storage: reachable"), check.out());
    assertTrue(check.out().contains("kafka: unreachable: bootstrap.servers 127.0.0.1:1 gave no answer within 3000 ms"),
        check.out());
    assertFalse(check.err().contains("\tat "), "no stack trace: " + check.err());
    assertTrue(seconds < 20, "bounded by the timeout, took " + seconds + " s");
  }

  @Test
  void everyCommandsJsonOutputIsOneDocumentWithItsData() throws Exception {
    broker.createTopic("cli-json", 1, Map.of());
    KafkaFixtures.producePlain(broker, "cli-json", 1, 30, 12);
    try (Admin admin = broker.admin()) {
      admin.alterConsumerGroupOffsets("json-readers", Map.of(new TopicPartition("cli-json", 0),
          new OffsetAndMetadata(10))).all().get();
    }
    Path work = Files.createDirectories(dir.resolve("json-work"));
    Files.createDirectories(work.resolve("data"));
    Files.writeString(work.resolve("data/f.txt"), "x", StandardCharsets.UTF_8);
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + dir.resolve("json-store") + "\n"
        + "kafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n"
        + "backup:\n  id: json\n  topics: [cli-json]\n"
        + "restore:\n  backup-id: json\n  rename: {cli-json: cli-json-r}\n");
    assertEquals(0, cli(Map.of(), "backup", "-c", cfg.toString()).code());

    JsonNode restore = json(cli(Map.of(), "restore", "-c", cfg.toString(), "-o", "json"));
    assertEquals(30, restore.get("records").asLong());
    JsonNode groups = json(cli(Map.of(), "groups", "plan", "-c", cfg.toString(), "-o", "json"));
    assertEquals(10, groups.get("offsets").get(0).get("sourceOffset").asLong());
    assertEquals("ok", groups.get("offsets").get(0).get("status").asText());
    JsonNode prune = json(cli(Map.of(), "prune", "-c", cfg.toString(), "--keep-last", "5", "-o", "json"));
    assertTrue(prune.isObject(), prune.toString());
    JsonNode check = json(cli(Map.of(), "config", "check", "-c", cfg.toString(), "-o", "json"));
    assertTrue(check.get("reachability").get("kafka").asText().startsWith("reachable"), check.toString());
    assertEquals("filesystem", check.get("config").get("storage.backend").asText());
    JsonNode saved = json(cli(Map.of(), "cache", "save", "-c", cfg.toString(), "-C", work.toString(), "-k", "j-1",
        "-m", "data", "-o", "json"));
    assertTrue(saved.isObject() && !saved.isEmpty(), saved.toString());
    JsonNode restored = json(cli(Map.of(), "cache", "restore", "-c", cfg.toString(), "-C", work.toString(), "-k",
        "j-1", "-o", "json"));
    assertTrue(restored.isObject() && !restored.isEmpty(), restored.toString());
  }

  private static JsonNode json(CliRun run) throws IOException {
    assertEquals(0, run.code(), run.out() + run.err());
    return JSON.readTree(run.out());
  }

  @Test
  void cacheListAndFlushPrintJsonWithTheirEntries() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(work.resolve("data"));
    Files.writeString(work.resolve("data/a.txt"), "cached", StandardCharsets.UTF_8);
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + dir.resolve("cache-store") + "\n");
    CliRun save = cli(Map.of(), "cache", "save", "-c", cfg.toString(), "-C", work.toString(), "-k", "deps-1",
        "-m", "data");
    assertEquals(0, save.code(), save.err());
    CliRun list = cli(Map.of(), "cache", "list", "-c", cfg.toString(), "-C", work.toString(), "-o", "json");
    assertEquals(0, list.code(), list.err());
    JsonNode listed = JSON.readTree(list.out());
    assertEquals("deps-1", listed.get(0).get("key").asText());
    assertTrue(listed.get(0).get("savedAt").asText().matches("\\d{4}-\\d{2}-\\d{2}T.*Z"), list.out());
    CliRun flush = cli(Map.of(), "cache", "flush", "-c", cfg.toString(), "-C", work.toString(), "--key", "deps-1",
        "-o", "json");
    assertEquals(0, flush.code(), flush.err());
    assertEquals("deps-1", JSON.readTree(flush.out()).get(0).get("key").asText());
    assertTrue(JSON.readTree(cli(Map.of(), "cache", "list", "-c", cfg.toString(), "-o", "json").out()).isEmpty());
  }

  @Test
  void backupListDescribeVerifyRestoreRoundTripWithJsonOutput() throws Exception {
    broker.createTopic("cli-orders", 3, Map.of());
    KafkaFixtures.producePlain(broker, "cli-orders", 3, 900, 4);
    Map<String, String> env = Map.of("AZ_KEY", AZURITE.endpoint().accountKey(), "BOOT", broker.bootstrapServers());
    Path cfg = config(azureStorage("clitrip") + "kafka:\n  bootstrap.servers: ${BOOT}\n"
        + "backup:\n  id: nightly\n  topics: [cli-orders]\n  segment-max-records: 200\n"
        + "restore:\n  backup-id: nightly\n  rename:\n    cli-orders: cli-orders-restored\n");

    CliRun backup = cli(env, "backup", "-c", cfg.toString(), "--output", "json");
    assertEquals(0, backup.code(), backup.err());
    assertEquals(900, JSON.readTree(backup.out()).get("records").asLong());

    JsonNode list = JSON.readTree(cli(env, "list", "-c", cfg.toString(), "-o", "json").out());
    assertEquals("nightly", list.get("backups").get(0).get("backupId").asText());
    assertEquals("complete", list.get("backups").get(0).get("state").asText());

    JsonNode described = JSON.readTree(cli(env, "describe", "-c", cfg.toString(), "nightly", "-o", "json").out());
    assertEquals(3, described.get("topics").get(0).get("partitions").size());
    assertEquals(300, described.get("topics").get(0).get("partitions").get(0).get("records").asLong());

    CliRun verify = cli(env, "verify", "-c", cfg.toString(), "nightly", "-o", "json");
    assertEquals(0, verify.code());
    assertTrue(JSON.readTree(verify.out()).get("problems").isEmpty());

    CliRun dry = cli(env, "restore", "-c", cfg.toString(), "--dry-run", "-o", "json");
    assertEquals(0, dry.code(), dry.err());
    assertEquals(900, JSON.readTree(dry.out()).get("partitions").findValues("records").stream()
        .mapToLong(JsonNode::asLong).sum());
    CliRun restore = cli(env, "restore", "-c", cfg.toString());
    assertEquals(0, restore.code(), restore.err());
    assertEquals(KafkaFixtures.readCommitted(broker, "cli-orders").values().stream().mapToInt(List::size).sum(),
        KafkaFixtures.readCommitted(broker, "cli-orders-restored").values().stream().mapToInt(List::size).sum());

    // A corrupted segment: verify exits 3 and names it.
    Map<String, String> storageConfig = StorageUnderTest.azure(AZURITE.endpoint());
    storageConfig.put("storage.azure.container", "clitrip");
    try (StorageBackend storage = StorageUnderTest.open(storageConfig)) {
      String key = KafkaFixtures.segments(storage, "nightly", new SourcePartition("cli-orders", 1)).get(0).key();
      byte[] bytes = storage.get(ObjectKey.of(key));
      bytes[bytes.length - 30] ^= 0x40;
      storage.put(ObjectKey.of(key), bytes);
      CliRun broken = cli(env, "verify", "-c", cfg.toString(), "nightly");
      assertEquals(3, broken.code());
      assertTrue(broken.out().contains(key), broken.out());
    }
  }

  @Test
  void badConfigurationFailsWithExitTwoNamingTheKeyAndLine() throws Exception {
    Map<String, String> env = Map.of();
    CliRun unknown = cli(env, "list", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "backup:\n  id: x\n  wokers: 3\n").toString());
    // list does not read backup:, but config check does
    assertEquals(0, unknown.code(), unknown.err());
    CliRun typo = cli(env, "config", "check", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\nbackup:\n  id: x\n  wokers: 3\n").toString());
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("line 9") && typo.err().contains("backup.wokers")
        && typo.err().contains("did you mean 'workers'"), typo.err());

    CliRun type = cli(env, "backup", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\nbackup:\n  id: x\n  topics: [a]\n  workers: many\n").toString());
    assertEquals(2, type.code());
    assertTrue(type.err().contains("line 10") && type.err().contains("expected a whole number"), type.err());

    CliRun retention = cli(env, "backup", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\nbackup:\n  id: x\n  topics: [a]\n  retention-age: 0s\n").toString());
    assertEquals(2, retention.code());
    assertTrue(retention.err().contains("backup.retention-age") && retention.err().contains("longer than 0"),
        retention.err());
    CliRun size = cli(env, "backup", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\nbackup:\n  id: x\n  topics: [a]\n  retention-bytes: lots\n").toString());
    assertEquals(2, size.code());
    assertTrue(size.err().contains("backup.retention-bytes") && size.err().contains("expected a size"), size.err());

    CliRun missing = cli(env, "backup", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    root: /tmp\n"
        + "kafka:\n  bootstrap.servers: 127.0.0.1:1\nbackup:\n  topics: [a]\n").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("backup id is required"), missing.err());

    CliRun storageTypo = cli(env, "list", "-c", config("storage:\n  backend: filesystem\n  filesystem:\n    rot: /tmp\n")
        .toString());
    assertEquals(2, storageTypo.code());
    assertTrue(storageTypo.err().contains("line 4") && storageTypo.err().contains("storage.filesystem.root"),
        storageTypo.err());

    CliRun crossed = cli(env, "list", "-c", config("storage:\n  storageType: s3\n  s3:\n    bucket: b\n  azure:\n"
        + "    accountName: acct\n").toString());
    assertEquals(2, crossed.code());
    assertTrue(crossed.err().contains("line 5") && crossed.err().contains("azure settings under storageType s3"),
        crossed.err());

    CliRun envMissing = cli(env, "list", "-c", config("storage:\n  backend: ${NOPE}\n").toString());
    assertEquals(2, envMissing.code());
    assertTrue(envMissing.err().contains("line 2") && envMissing.err().contains("NOPE"), envMissing.err());
  }

  @Test
  void theOperatorsAzureBlockOpensAzureAndNeverPrintsTheKey() throws Exception {
    Path secrets = dir.resolve("secrets");
    Files.createDirectories(secrets.resolve("azure-creds"));
    Files.writeString(secrets.resolve("azure-creds").resolve("accountKey"), AZURITE.endpoint().accountKey());
    Path cfg = config("storage:\n  storageType: azure\n  azure:\n    accountName: " + AZURITE.endpoint().accountName()
        + "\n    container: crdcontainer\n    createContainer: true\n    prefix: prod\n    endpoint: "
        + AZURITE.endpoint().blobEndpoint() + "\n    credentialsSecret:\n      name: azure-creds\n"
        + "      accountKeyKey: accountKey\nkafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n");
    CliRun check = cli(Map.of(), "config", "check", "-c", cfg.toString(), "--secret-dir", secrets.toString(), "-v");
    assertEquals(0, check.code(), check.err());
    assertTrue(check.out().contains("storage.backend = azure"), check.out());
    assertTrue(check.out().contains("storage.azure.account-key = ****"), check.out());
    assertTrue(check.out().contains("storage: reachable (azure)"), check.out());
    assertTrue(check.out().contains("kafka: reachable"), check.out());
    assertFalse((check.out() + check.err()).contains(AZURITE.endpoint().accountKey()), "the key never appears");
  }

  @Test
  void theLauncherRunsAsItsOwnProcessAndSigtermLetsALaterBackupResumeWithNothingLost() throws Exception {
    Path launcher = Path.of("..", "backup-cli", "target", "kafka-backup", "bin", "kafka-backup").toAbsolutePath();
    assertTrue(Files.isExecutable(launcher), "the distribution is built by the package phase: " + launcher);
    broker.createTopic("cli-sigterm", 2, Map.of());
    Path root = dir.resolve("backups");
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + root + "\n    create-root: true\n"
        + "kafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n"
        + "backup:\n  id: follow\n  topics: [cli-sigterm]\n  mode: continuous\n  segment-max-age: 300ms\n");
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StorageBackend storage = StorageUnderTest.open(StorageUnderTest.filesystem(root))) {
      Future<Long> producer = pool.submit(() -> KafkaFixtures.produceWhile(broker, "cli-sigterm", 2, producing));
      Map<String, String> env = new HashMap<>(System.getenv());
      int metricsPort;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        metricsPort = free.getLocalPort();
      }
      Process process = new ProcessBuilder(launcher.toString(), "backup", "-c", cfg.toString(), "--progress-interval", "1s",
          "--metrics-port", String.valueOf(metricsPort), "--metrics-address", "127.0.0.1")
          .redirectErrorStream(true).redirectOutput(dir.resolve("launcher.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (PartitionLog.read(storage, "follow", new SourcePartition("cli-sigterm", 0)).lastSequence() < 4) {
        assertTrue(System.nanoTime() < deadline, "the launched backup commits: " + Files.readString(dir.resolve("launcher.log")));
        TimeUnit.MILLISECONDS.sleep(100);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + metricsPort);
      assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode(), "ready once it commits");
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("kafka_backup_records_total{backup=\"follow\",topic=\"cli-sigterm\"}")
          && metrics.contains("kafka_backup_recovery_point_seconds{") && metrics.contains("storage_operations_seconds"),
          metrics);
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      String log = Files.readString(dir.resolve("launcher.log"));
      assertEquals(1, process.exitValue(), "a backup stopped by SIGTERM exits 1, as documented: " + log);
      assertTrue(log.contains("records"), "progress lines are printed");
      assertTrue(log.contains("backup follow stopped:"), "the summary is printed: " + log);
      assertFalse(log.contains("WARN org.apache.kafka"), "Kafka client warnings show only with -v: " + log);
      producing.set(false);
      assertTrue(producer.get() > 0);
      CliRun resume = cli(env, "backup", "-c", cfg.toString(), "--mode", "snapshot");
      assertEquals(0, resume.code(), resume.err());
      assertEquals(KafkaFixtures.readCommitted(broker, "cli-sigterm"),
          KafkaFixtures.backedUp(storage, "follow", "cli-sigterm", 2));
    } finally {
      producing.set(false);
      pool.shutdownNow();
    }
    CliRun help = cli(Map.of(), "backup", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--workers") && help.out().contains("Default"), help.out());
  }

  @Test
  void aFencedBackupEndsWithOneErrorLineAndNoStackTrace() throws Exception {
    Path launcher = Path.of("..", "backup-cli", "target", "kafka-backup", "bin", "kafka-backup").toAbsolutePath();
    broker.createTopic("cli-fenced", 1, Map.of());
    KafkaFixtures.producePlain(broker, "cli-fenced", 1, 50, 13);
    Path root = dir.resolve("fenced-store");
    Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + root + "\n    create-root: true\n"
        + "kafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n"
        + "backup:\n  id: twice-run\n  topics: [cli-fenced]\n  mode: continuous\n  segment-max-age: 200ms\n");
    Process first = new ProcessBuilder(launcher.toString(), "backup", "-c", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StorageBackend storage = StorageUnderTest.open(StorageUnderTest.filesystem(root))) {
      pool.submit(() -> KafkaFixtures.produceWhile(broker, "cli-fenced", 1, producing));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (PartitionLog.read(storage, "twice-run", new SourcePartition("cli-fenced", 0)).lastSequence() < 2) {
        assertTrue(System.nanoTime() < deadline, "the first backup commits: " + Files.readString(dir.resolve("first.log")));
        TimeUnit.MILLISECONDS.sleep(100);
      }
      Process second = new ProcessBuilder(launcher.toString(), "backup", "-c", cfg.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("second.log").toFile()).start();
      try {
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the first backup is fenced and ends");
        String log = Files.readString(dir.resolve("first.log"));
        assertEquals(1, first.exitValue(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("is fenced")).count(), "one line: " + log);
        assertTrue(log.lines().anyMatch(l -> l.startsWith("error: ") && l.contains("is fenced")), log);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "no stack trace: " + log);
      } finally {
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
      }
    } finally {
      producing.set(false);
      pool.shutdownNow();
      first.destroyForcibly();
    }
  }

  @Test
  void kafkaClientPropertiesPassThroughToASaslScramListener() throws Exception {
    try (KafkaBroker secured = KafkaBroker.startWithScram("backup-user", "s3cret-pass")) {
      secured.createTopic("scram-topic", 2, Map.of());
      KafkaFixtures.producePlain(secured, "scram-topic", 2, 200, 3);
      Path cfg = config("storage:\n  backend: filesystem\n  filesystem:\n    root: " + dir.resolve("scram") + "\n"
          + "    create-root: true\nkafka:\n  bootstrap.servers: " + secured.saslBootstrapServers() + "\n"
          + "  security.protocol: SASL_PLAINTEXT\n  sasl.mechanism: SCRAM-SHA-256\n"
          + "  sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required "
          + "username=\"backup-user\" password=\"${KAFKA_PASSWORD}\";\n"
          + "backup:\n  id: scram\n  topics: [scram-topic]\n");
      Map<String, String> env = Map.of("KAFKA_PASSWORD", "s3cret-pass");
      CliRun check = cli(env, "config", "check", "-c", cfg.toString());
      assertEquals(0, check.code(), check.err());
      assertTrue(check.out().contains("kafka.sasl.jaas.config = ****"), check.out());
      assertFalse(check.out().contains("s3cret-pass"));
      CliRun backup = cli(env, "backup", "-c", cfg.toString(), "-o", "json");
      assertEquals(0, backup.code(), backup.err());
      assertEquals(200, JSON.readTree(backup.out()).get("records").asLong());
      assertFalse((backup.out() + backup.err()).contains("s3cret-pass"));
    }
  }
}
