package io.kafkabackup.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.tck.ResourceRelease;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.TcpRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the Azure backend does beyond the shared contract, against a real Azurite. */
class AzureBackendTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  private BlobContainerClient container;

  @BeforeEach
  void newContainer() {
    container = AzureTestSupport.createContainer(AZURITE.endpoint());
  }

  private Map<String, String> config(String... overrides) {
    return AzureTestSupport.config(AZURITE.endpoint(), container.getBlobContainerName(), overrides);
  }

  private static InvalidConfigurationException invalid(Map<String, String> config) {
    return assertThrows(InvalidConfigurationException.class, () -> AzureTestSupport.open(config).close());
  }

  @Test
  void configurationErrorsNameTheOffendingKey() {
    assertEquals("storage.azure.container", invalid(config("storage.azure.container", null)).configKey().orElseThrow());
    assertEquals("storage.azure.account-name", invalid(config("storage.azure.account-name", null,
        "storage.azure.endpoint", null)).configKey().orElseThrow());
    assertEquals("storage.azure.container", invalid(config("storage.azure.container", "Bad_Name")).configKey().orElseThrow());
    assertEquals("storage.azure.part-size", invalid(config("storage.azure.part-size", "1KiB")).configKey().orElseThrow());
    assertEquals("storage.azure.max-concurrency", invalid(config("storage.azure.max-concurrency", "0")).configKey().orElseThrow());
    assertEquals("storage.azure.auth", invalid(config("storage.azure.auth", "kerberos")).configKey().orElseThrow());
    assertEquals("storage.azure.service-version",
        invalid(config("storage.azure.service-version", "1999-01-01")).configKey().orElseThrow());
    InvalidConfigurationException typo = invalid(config("storage.azure.acount-key", "x"));
    assertTrue(typo.getMessage().contains("storage.azure.account-key"), typo.getMessage());
  }

  @Test
  void malformedSecretsFailAtOpenNamingTheKeyButNeverTheValue() {
    String badKey = "not-base64!!secret-" + "x".repeat(20);
    InvalidConfigurationException key = invalid(config("storage.azure.account-key", badKey));
    assertEquals("storage.azure.account-key", key.configKey().orElseThrow());
    assertFalse(key.getMessage().contains(badKey), key.getMessage());

    String badSas = "sv=2024-01-01&se=2030-01-01&sp=rw";
    InvalidConfigurationException sas = invalid(config("storage.azure.account-key", null, "storage.azure.auth", "sas",
        "storage.azure.sas-token", badSas));
    assertEquals("storage.azure.sas-token", sas.configKey().orElseThrow());
    assertFalse(sas.getMessage().contains(badSas), sas.getMessage());

    String badConnection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%%%secret%%%";
    InvalidConfigurationException cs = invalid(config("storage.azure.account-key", null, "storage.azure.auth",
        "connection-string", "storage.azure.connection-string", badConnection));
    assertEquals("storage.azure.connection-string", cs.configKey().orElseThrow());
    assertFalse(cs.getMessage().contains("%%%secret%%%"), cs.getMessage());
  }

  @Test
  void closeReleasesEverySocketAndThreadThroughARelayThatKeepsIdleConnections() throws Exception {
    try (TcpRelay relay = new TcpRelay(AZURITE.endpoint().blobEndpoint().getPort())) {
      Map<String, String> viaRelay = config("storage.azure.endpoint", "http://127.0.0.1:" + relay.port() + "/"
          + AZURITE.endpoint().accountName());
      ResourceRelease.assertCloseReleasesEverything(() -> AzureTestSupport.open(viaRelay), true, 16, 3, 200);
      assertEquals(0, relay.openClientConnections(), "connections the backends left open");
    }
  }

  @Test
  void blobBatchBodiesNeverReachTheSdksHttpLogEvenAtBodyAndHeaders(@TempDir Path dir) throws Exception {
    String sas = container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
        BlobContainerSasPermission.parse("racwdl")));
    String signature = sas.replaceAll(".*sig=([^&]+).*", "$1");
    Path log = dir.resolve("probe.log");
    // A JVM of its own, with the SDK's logging configured from its environment at start, as a user's is.
    ProcessBuilder probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BatchLoggingProbe.class.getName(),
        AZURITE.endpoint().blobEndpoint().toString(), AZURITE.endpoint().accountName(), AZURITE.endpoint().accountKey(),
        container.getBlobContainerName(), sas).redirectErrorStream(true).redirectOutput(log.toFile());
    probe.environment().put("AZURE_HTTP_LOG_DETAIL_LEVEL", "body_and_headers");
    Process process = probe.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe finishes");
    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("probe finished"), output);
    // Reactor Netty's own DEBUG URI logging is the documented exception (docs/azure-authentication.md).
    List<String> events = Arrays.stream(output.split(BatchLoggingProbe.SEPARATOR))
        .filter(e -> !e.strip().matches("(?s)(TRACE|DEBUG) (reactor\\.netty|io\\.netty)\\..*")).toList();
    assertTrue(events.stream().anyMatch(e -> e.contains("submitBatch") || e.contains("comp=batch")),
        "the SDK logged the batch requests");
    for (String event : events) {
      for (String secret : List.of(AZURITE.endpoint().accountKey(), signature,
          URLDecoder.decode(signature, StandardCharsets.UTF_8))) {
        int at = event.indexOf(secret);
        assertTrue(at < 0, () -> "a secret leaked: ..." + event.substring(Math.max(0, at - 300), at) + "<secret>");
      }
      assertFalse(event.matches("(?s).*SharedKey [a-z0-9]+:[A-Za-z0-9+/=]{20,}.*"), "a signed Authorization header leaked");
    }
  }

  @Test
  void anAzureConfigNeverBecomesAnotherBackend() {
    Map<String, String> c = Map.of("storage.backend", "azure", "storage.azure.account-name", "acct");
    InvalidConfigurationException e = invalid(c);
    assertEquals("storage.azure.container", e.configKey().orElseThrow());
  }

  @Test
  void plainHttpIsRefusedUnlessLoopbackOrExplicitlyAllowed() {
    InvalidConfigurationException e = invalid(config("storage.azure.endpoint", "http://storage.example.com/acct"));
    assertEquals("storage.azure.endpoint", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    AzureTestSupport.open(config("storage.azure.endpoint", "http://storage.example.com/acct",
        "storage.azure.allow-insecure-http", "true")).close();
    AzureTestSupport.open(config("storage.azure.endpoint", "https://storage.example.com/acct")).close();
  }

  @Test
  void keysAreJoinedToThePrefixInsideTheContainer() {
    try (StorageBackend b = AzureTestSupport.open(config("storage.prefix", "prod/cluster-a"))) {
      b.put(ObjectKey.of("topics/orders/0/42.log"), "x".getBytes());
    }
    assertTrue(container.getBlobClient("prod/cluster-a/topics/orders/0/42.log").exists());
  }

  @Test
  void theAccountKeyTakesPriorityOverOtherCredentials() {
    try (StorageBackend b = AzureTestSupport.open(config("storage.azure.sas-token", "sv=2020-01-01&sig=bogus",
        "storage.azure.client-secret", "bogus", "storage.azure.client-id", "id", "storage.azure.tenant-id", "t"))) {
      b.put(ObjectKey.of("k"), "v".getBytes());
      assertArrayEquals("v".getBytes(), b.get(ObjectKey.of("k")));
    }
    try (StorageBackend forcedSas = AzureTestSupport.open(config("storage.azure.auth", "sas",
        "storage.azure.sas-token", "sv=2020-01-01&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=Ym9ndXM%3D"))) {
      assertThrows(AuthenticationException.class, () -> forcedSas.get(ObjectKey.of("k")));
    }
  }

  @Test
  void aForcedMethodWithoutItsInputsFailsNamingThem() {
    InvalidConfigurationException e = invalid(config("storage.azure.auth", "workload-identity"));
    assertEquals("storage.azure.federated-token-file", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("AZURE_FEDERATED_TOKEN_FILE") && e.getMessage().contains("storage.azure.client-id"),
        e.getMessage());
  }

  @Test
  void anInvalidAccountKeyFailsAtOnceWithAnAuthenticationError() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
    try (StorageBackend b = StorageBackends.builder().config(config("storage.azure.account-key", wrongKey))
        .environment(Map.of()).meterRegistry(registry).open()) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> b.put(ObjectKey.of("k"), new byte[10]));
      assertTrue(e.getMessage().contains("403") && e.getMessage().contains("request id"), e.getMessage());
      assertFalse(e.isRetryable());
      assertFalse(e.getMessage().contains(wrongKey));
    }
    assertEquals(1, registry.get("storage.azure.requests").tags("operation", "PutBlob", "status", "403").timer().count(),
        "one request, no retry storm");
  }

  @Test
  void largeUploadsAreCommittedAsBlocksWithUniqueFixedLengthIds() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long size = 5L * 1024 * 1024 + 123;
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      b.put(ObjectKey.of("big"), new RandomStream(size, 1), size, PutOptions.overwrite());
      b.put(ObjectKey.of("big"), new RandomStream(size, 2), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
      assertEquals(size, b.stat(ObjectKey.of("big")).size());
    }
    List<Block> blocks = container.getBlobClient("big").getBlockBlobClient().listBlocks(BlockListType.COMMITTED)
        .getCommittedBlocks();
    assertEquals(6, blocks.size());
    assertEquals(1, blocks.stream().map(bl -> bl.getName().length()).distinct().count());
    assertEquals(12, registry.get("storage.azure.requests").tags("operation", "PutBlock").timer().count());
    assertEquals(2, registry.get("storage.azure.requests").tags("operation", "PutBlockList").timer().count());
  }

  @Test
  void smallObjectsAreOnePutBlob() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      b.put(ObjectKey.of("small"), new byte[1024 * 1024]);
    }
    assertEquals(1, registry.get("storage.azure.requests").tags("operation", "PutBlob", "status", "201").timer().count());
    assertTrue(registry.find("storage.azure.requests").tags("operation", "PutBlock").timers().isEmpty());
  }

  @Test
  void aBlobReplacedWhileBeingReadIsNeverStitchedFromTwoVersions() throws IOException {
    long size = 6L * 1024 * 1024;
    ObjectKey key = ObjectKey.of("moving");
    try (StorageBackend b = AzureTestSupport.open(config("storage.azure.download-concurrency", "1"))) {
      // A ranged read issues one GET per chunk, each pinned to the first one's etag: the replacement fails it.
      b.put(key, new RandomStream(size, 3), size, PutOptions.overwrite());
      try (InputStream in = b.openStream(key, ByteRange.of(0, size))) {
        in.readNBytes(1024);
        b.put(key, new RandomStream(size, 4), size, PutOptions.overwrite());
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertInstanceOf(PreconditionFailedException.class, e.getCause(), e.toString());
      }

      // A read to the end is one streaming GET: it delivers the version it started on, whole, or fails.
      b.put(key, new RandomStream(size, 5), size, PutOptions.overwrite());
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      try (InputStream in = b.openStream(key)) {
        received.write(in.readNBytes(1024));
        b.put(key, new RandomStream(size, 6), size, PutOptions.overwrite());
        try {
          received.write(in.readAllBytes());
          assertArrayEquals(new RandomStream(size, 5).readAllBytes(), received.toByteArray(), "the first version, whole");
        } catch (IOException e) {
          assertInstanceOf(PreconditionFailedException.class, e.getCause(), e.toString());
        }
      }
    }
  }

  @Test
  void aMissingContainerIsAConfigurationErrorUnlessCreationIsEnabled() {
    Map<String, String> missing = config("storage.azure.container", "never-created-" + System.nanoTime() % 100000);
    try (StorageBackend b = AzureTestSupport.open(missing)) {
      InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
          () -> b.put(ObjectKey.of("k"), new byte[1]));
      assertEquals("storage.azure.container", e.configKey().orElseThrow());
    }
    Map<String, String> create = config("storage.azure.container", "created-" + System.nanoTime() % 100000,
        "storage.azure.create-container", "true");
    try (StorageBackend b = AzureTestSupport.open(create)) {
      b.put(ObjectKey.of("k"), new byte[1]);
      assertTrue(b.exists(ObjectKey.of("k")));
    }
  }

  @Test
  void bulkDeleteUsesBlobBatch() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      List<ObjectKey> keys = java.util.stream.IntStream.range(0, 300).mapToObj(i -> ObjectKey.of("d/" + i))
          .collect(Collectors.toList());
      keys.parallelStream().forEach(k -> b.put(k, new byte[1]));
      b.deleteAll(keys);
      try (var s = b.list("d/")) {
        assertEquals(0, s.count());
      }
    }
    assertEquals(2, registry.get("storage.azure.requests").tags("operation", "SubmitBatch").timer().count(),
        "300 keys in batches of 256");
    assertTrue(registry.find("storage.azure.requests").tags("operation", "DeleteBlob").timers().isEmpty(),
        () -> registry.find("storage.azure.requests").timers().stream()
            .map(t -> t.getId().getTags() + "=" + t.count()).collect(Collectors.joining("\n")));
  }

  @Test
  void everyRestCallIsCountedWithItsStatus() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      b.put(ObjectKey.of("a"), new byte[10]);
      b.stat(ObjectKey.of("a"));
      assertFalse(b.exists(ObjectKey.of("missing")));
    }
    Set<String> seen = registry.find("storage.azure.requests").timers().stream()
        .map(t -> t.getId().getTag("operation") + ":" + t.getId().getTag("status")).collect(Collectors.toSet());
    assertEquals(Set.of("PutBlob:201", "GetBlobProperties:200", "GetBlobProperties:404"), seen);
    assertNotNull(registry.get("storage.operations").tags("backend", "azure", "operation", "put").timer());
  }
}
