package io.kafkabackup.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.StorageTimeoutException;
import io.kafkabackup.storage.ThrottledException;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.FaultInjectingProxy.Fault;
import io.kafkabackup.storage.testkit.FaultInjectingProxy.Request;
import io.kafkabackup.storage.testkit.FaultInjectingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Throttling, retries, broken connections and request ids, with a fault-injecting proxy between the
 * backend and a real Azurite.
 */
class AzureResilienceTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();

  private FaultInjectingProxy proxy;
  private StorageBackend backend;

  @BeforeEach
  void start() throws IOException {
    proxy = new FaultInjectingProxy(AZURITE.endpoint().blobEndpoint().getPort());
    String container = AzureTestSupport.createContainer(AZURITE.endpoint()).getBlobContainerName();
    backend = AzureTestSupport.open(AzureTestSupport.config(AZURITE.endpoint(), container,
        "storage.azure.endpoint", "http://127.0.0.1:" + proxy.port() + "/" + AZURITE.endpoint().accountName(),
        "storage.azure.max-retries", "3", "storage.azure.retry-initial-delay", "20ms",
        "storage.azure.retry-max-delay", "2s"));
  }

  @AfterEach
  void stop() throws IOException {
    backend.close();
    proxy.close();
  }

  private List<Request> requests(String method, String queryPart) {
    return proxy.requests().stream().filter(r -> r.method().equals(method) && r.query().contains(queryPart))
        .collect(Collectors.toList());
  }

  private static Fault serverBusyFor(AtomicInteger remaining, Map<String, String> headers) {
    return remaining.getAndDecrement() > 0 ? Fault.respond(503, "ServerBusy", headers) : Fault.FORWARD;
  }

  @Test
  void throttledRequestsAreRetriedAfterTheDelayTheServiceAsksFor() {
    AtomicInteger busy = new AtomicInteger(2);
    proxy.rule(r -> r.method().equals("PUT") ? serverBusyFor(busy, Map.of("x-ms-retry-after-ms", "400")) : Fault.FORWARD);

    backend.put(ObjectKey.of("k"), "payload".getBytes());

    List<Request> puts = requests("PUT", "");
    assertEquals(3, puts.size());
    for (int i = 1; i < puts.size(); i++) {
      long gapMillis = Duration.ofNanos(puts.get(i).at() - puts.get(i - 1).at()).toMillis();
      assertTrue(gapMillis >= 400, "retry " + i + " came after " + gapMillis + " ms, before the 400 ms asked for");
    }
    assertEquals(1, puts.stream().map(r -> r.header("x-ms-client-request-id")).distinct().count(),
        "retries keep the call's client request id");
    assertArrayEquals("payload".getBytes(), backend.get(ObjectKey.of("k")));
  }

  @Test
  void throttlingThatOutlastsTheRetriesFailsAsRetryableThrottled() {
    proxy.rule(r -> r.method().equals("PUT") ? Fault.respond(429, "TooManyRequests", Map.of("Retry-After", "1"))
        : Fault.FORWARD);
    ThrottledException e = assertThrows(ThrottledException.class, () -> backend.put(ObjectKey.of("k"), new byte[1]));
    assertTrue(e.isRetryable());
    assertEquals(Duration.ofSeconds(1), e.retryAfter().orElseThrow());
    assertEquals(4, requests("PUT", "").size(), "one try and three retries");
  }

  @Test
  void anAnswerThatCannotBeParsedIsNotRetried() {
    backend.put(ObjectKey.of("listed"), new byte[] {1});
    proxy.rule(r -> r.query().contains("comp=list") ? Fault.garbleBody() : Fault.FORWARD);

    StorageException e = assertThrows(StorageException.class, () -> backend.list("").count());
    assertFalse(e.isRetryable(), "a response the client cannot parse is no transient fault: " + e);
    assertEquals(1, requests("GET", "comp=list").size(), "a client-side deserialization failure is never retried");
  }

  @Test
  void rejectedCredentialsAreNotRetried() {
    proxy.rule(r -> Fault.respond(403, "AuthenticationFailed", Map.of()));
    assertThrows(AuthenticationException.class, () -> backend.put(ObjectKey.of("k"), new byte[1]));
    assertEquals(1, proxy.requests().size());
  }

  @Test
  void aConnectionDroppedBeforeTheAnswerIsRetried() {
    AtomicInteger drops = new AtomicInteger(1);
    proxy.rule(r -> r.query().contains("comp=block&") && drops.getAndDecrement() > 0 ? Fault.drop() : Fault.FORWARD);
    long size = 3L * 1024 * 1024 + 5;
    backend.put(ObjectKey.of("blocks"), new RandomStream(size, 7), size, PutOptions.overwrite());
    assertEquals(5, requests("PUT", "comp=block&").size(), "4 blocks, one of them sent twice");
    assertEquals(size, backend.stat(ObjectKey.of("blocks")).size());
  }

  @Test
  void aStalledResponseIsAbandonedAfterTheOperationTimeoutAndRetried() throws IOException {
    backend.put(ObjectKey.of("k"), new byte[10]);
    String container = AzureTestSupport.createContainer(AZURITE.endpoint()).getBlobContainerName();
    try (StorageBackend impatient = AzureTestSupport.open(AzureTestSupport.config(AZURITE.endpoint(), container,
        "storage.azure.endpoint", "http://127.0.0.1:" + proxy.port() + "/" + AZURITE.endpoint().accountName(),
        "storage.azure.request-timeout", "1s", "storage.azure.max-retries", "1",
        "storage.azure.retry-initial-delay", "10ms"))) {
      impatient.put(ObjectKey.of("k"), new byte[10]);
      AtomicInteger stalls = new AtomicInteger(1);
      proxy.rule(r -> r.method().equals("HEAD") && stalls.getAndDecrement() > 0 ? Fault.stall() : Fault.FORWARD);
      long start = System.nanoTime();
      assertEquals(10, impatient.stat(ObjectKey.of("k")).size());
      assertTrue(System.nanoTime() - start >= 1_000_000_000L, "waited out the timeout once");
      assertEquals(2, requests("HEAD", "").size(), "the stalled request, then its retry");

      proxy.rule(r -> r.method().equals("HEAD") ? Fault.stall() : Fault.FORWARD);
      StorageException e = assertThrows(StorageTimeoutException.class, () -> impatient.stat(ObjectKey.of("k")));
      assertTrue(e.isRetryable(), e.toString());
      assertEquals(4, requests("HEAD", "").size(), "one retry, then the error: " + e);
    }
  }

  @Test
  void aRangedDownloadCutOffMidBodyResumesFromTheLastByteWithIfMatch() throws IOException {
    long size = 3L * 1024 * 1024;
    backend.put(ObjectKey.of("big"), new RandomStream(size, 8), size, PutOptions.overwrite());
    AtomicInteger cuts = new AtomicInteger(1);
    proxy.rule(r -> r.method().equals("GET") && "bytes=1048576-2097151".equals(r.header("x-ms-range"))
        && cuts.getAndDecrement() > 0 ? Fault.cutBodyAfter(100_000) : Fault.FORWARD);

    try (InputStream in = backend.openStream(ObjectKey.of("big"), ByteRange.of(0, size))) {
      assertEquals(sha(new RandomStream(size, 8)), sha(in));
    }
    List<Request> resumed = requests("GET", "").stream()
        .filter(r -> "bytes=1148576-2097151".equals(r.header("x-ms-range"))).collect(Collectors.toList());
    assertEquals(1, resumed.size(), "resumed at byte 1048576 + 100000: " + proxy.requests().stream()
        .map(r -> r.header("x-ms-range")).collect(Collectors.toList()));
    assertNotNull(resumed.get(0).header("if-match"));
  }

  @Test
  void aStreamedDownloadCutOffMidBodyContinuesFromTheByteReachedWithIfMatch() throws IOException {
    long size = 3L * 1024 * 1024 + 5;
    backend.put(ObjectKey.of("big"), new RandomStream(size, 8), size, PutOptions.overwrite());
    proxy.rule(cutFirstStreamingGetAfter(1_000_000));

    try (InputStream in = backend.openStream(ObjectKey.of("big"))) {
      assertEquals(sha(new RandomStream(size, 8)), sha(in));
    }
    List<Request> gets = requests("GET", "");
    assertNull(gets.get(0).header("x-ms-range"), "one streaming GET first");
    List<Request> ranged = gets.subList(1, gets.size());
    assertEquals(List.of("bytes=1000000-2048575", "bytes=2048576-3097151", "bytes=3097152-3145732"),
        ranged.stream().map(r -> r.header("x-ms-range")).sorted().collect(Collectors.toList()),
        "then ranged GETs from the byte reached");
    ranged.forEach(r -> assertNotNull(r.header("if-match"), "pinned to the version being read"));
  }

  @Test
  void aStreamedDownloadThatBreaksAfterTheBlobWasReplacedFailsInsteadOfMixingVersions() throws IOException {
    long size = 3L * 1024 * 1024;
    backend.put(ObjectKey.of("moving"), new RandomStream(size, 3), size, PutOptions.overwrite());
    proxy.rule(cutFirstStreamingGetAfter(100_000));

    try (InputStream in = backend.openStream(ObjectKey.of("moving"))) {
      in.readNBytes(1024);
      backend.put(ObjectKey.of("moving"), new RandomStream(size, 4), size, PutOptions.overwrite());
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertInstanceOf(PreconditionFailedException.class, e.getCause(), e.toString());
    }
  }

  private static java.util.function.Function<Request, Fault> cutFirstStreamingGetAfter(int bytes) {
    AtomicInteger cuts = new AtomicInteger(1);
    return r -> r.method().equals("GET") && r.header("x-ms-range") == null && !r.query().contains("comp=")
        && cuts.getAndDecrement() > 0 ? Fault.cutBodyAfter(bytes) : Fault.FORWARD;
  }

  @Test
  void everyRequestCarriesAClientRequestIdAndEveryBlockAContentMd5() {
    long size = 2L * 1024 * 1024 + 1;
    backend.put(ObjectKey.of("a"), new RandomStream(size, 9), size, PutOptions.overwrite());
    backend.put(ObjectKey.of("b"), new byte[100]);
    backend.get(ObjectKey.of("a"));
    backend.list("").count();
    backend.deleteAll(List.of(ObjectKey.of("a"), ObjectKey.of("b")));
    List<Request> all = proxy.requests();
    assertTrue(all.size() >= 8, all.toString());
    assertTrue(all.stream().allMatch(r -> r.header("x-ms-client-request-id") != null));
    assertEquals(all.size(), all.stream().map(r -> r.header("x-ms-client-request-id")).distinct().count());
    List<Request> uploads = all.stream().filter(r -> r.method().equals("PUT") && !r.query().contains("comp=blocklist"))
        .collect(Collectors.toList());
    assertEquals(4, uploads.size());
    assertTrue(uploads.stream().allMatch(r -> r.header("content-md5") != null), "Content-MD5 on every block and put");
  }

  private static String sha(InputStream in) throws IOException {
    return Digests.sha256(in);
  }
}
