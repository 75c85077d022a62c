package io.kafkabackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.FaultInjectingProxy;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.tck.ResourceRelease;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import io.kafkabackup.storage.testkit.TcpRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/** What the S3 backend does beyond the shared contract, against an embedded S3Proxy. */
class S3BackendTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  private String bucket;

  @BeforeEach
  void newBucket() {
    bucket = S3TestSupport.createBucket(S3.endpoint());
  }

  private Map<String, String> config(String... overrides) {
    return S3TestSupport.config(S3.endpoint(), bucket, overrides);
  }

  private static InvalidConfigurationException invalid(Map<String, String> config) {
    return assertThrows(InvalidConfigurationException.class, () -> S3TestSupport.open(config).close());
  }

  @Test
  void configurationErrorsNameTheOffendingKey() {
    assertEquals("storage.s3.bucket", invalid(config("storage.s3.bucket", null)).configKey().orElseThrow());
    assertEquals("storage.s3.bucket", invalid(config("storage.s3.bucket", "Bad_Bucket")).configKey().orElseThrow());
    assertEquals("storage.s3.secret-access-key",
        invalid(config("storage.s3.secret-access-key", null)).configKey().orElseThrow());
    assertEquals("storage.s3.part-size", invalid(config("storage.s3.part-size", "1MiB")).configKey().orElseThrow());
    InvalidConfigurationException http = invalid(config("storage.s3.endpoint", "http://minio.example.com:9000"));
    assertEquals("storage.s3.endpoint", http.configKey().orElseThrow());
    S3TestSupport.open(config("storage.s3.endpoint", "http://minio.example.com:9000",
        "storage.s3.allow-insecure-http", "true")).close();
  }

  @Test
  void closeReleasesEverySocketAndThreadThroughARelayThatKeepsIdleConnections() throws Exception {
    try (TcpRelay relay = new TcpRelay(S3.endpoint().endpoint().getPort())) {
      Map<String, String> viaRelay = config("storage.s3.endpoint", "http://127.0.0.1:" + relay.port());
      ResourceRelease.assertCloseReleasesEverything(() -> S3TestSupport.open(viaRelay), true, 16, 3, 200);
      assertEquals(0, relay.openClientConnections(), "connections the backends left open");
    }
  }

  @Test
  void anS3ConfigWithoutABucketNamesTheBucketKey() {
    InvalidConfigurationException e = invalid(Map.of("storage.backend", "s3"));
    assertEquals("storage.s3.bucket", e.configKey().orElseThrow());
  }

  @Test
  void secretsNeverAppearInToStringOrErrors() {
    Map<String, String> c = config();
    try (StorageBackend b = S3TestSupport.open(c)) {
      assertFalse(b.toString().contains(S3.endpoint().secretAccessKey()), b.toString());
    }
  }

  @Test
  void keysAreJoinedToThePrefixInsideTheBucket() {
    try (StorageBackend b = S3TestSupport.open(config("storage.prefix", "prod/cluster-a"));
         S3Client raw = S3TestSupport.client(S3.endpoint())) {
      b.put(ObjectKey.of("topics/t/0.log"), "x".getBytes());
      assertArrayEquals("x".getBytes(), raw.getObjectAsBytes(r -> r.bucket(bucket).key("prod/cluster-a/topics/t/0.log"))
          .asByteArray());
    }
  }

  @Test
  void wrongCredentialsFailAtOnceWithAnAuthenticationError() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend b = StorageBackends.builder().config(config("storage.s3.secret-access-key", "wrong-secret"))
        .environment(Map.of()).meterRegistry(registry).open()) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> b.put(ObjectKey.of("k"), new byte[1]));
      assertTrue(e.getMessage().contains("403") && e.getMessage().contains("request id"), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-secret"));
    }
    assertEquals(1, registry.get("storage.s3.requests").tags("operation", "PutObject", "status", "403").timer().count(),
        "one request, no retry storm");
  }

  @Test
  void aFailedMultipartUploadIsAbortedLeavingNoObjectAndNoParts() {
    long part = 5L * 1024 * 1024;
    InputStream failing = new SequenceInputStream(new RandomStream(3 * part, 1), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("source broke");
      }
    });
    try (StorageBackend b = S3TestSupport.open(config());
         S3Client raw = S3TestSupport.client(S3.endpoint())) {
      assertThrows(RuntimeException.class,
          () -> b.put(ObjectKey.of("broken"), failing, StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite()));
      assertFalse(b.exists(ObjectKey.of("broken")));
      assertEquals(List.of(), raw.listMultipartUploads(r -> r.bucket(bucket)).uploads(), "no pending multipart upload");
    }
  }

  @Test
  void largeObjectsAreMultipartUploadsOfTheConfiguredPartSize() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long size = 12L * 1024 * 1024 + 1;
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      b.put(ObjectKey.of("big"), new RandomStream(size, 2), size, PutOptions.overwrite());
      assertEquals(size, b.stat(ObjectKey.of("big")).size());
    }
    assertEquals(3, registry.get("storage.s3.requests").tags("operation", "UploadPart").timer().count());
    assertEquals(1, registry.get("storage.s3.requests").tags("operation", "CompleteMultipartUpload").timer().count());
  }

  /**
   * The integrity check is computed once, by us, over exactly the bytes sent: each PutObject and
   * UploadPart carries the chosen header with the digest of its own bytes, and the SDK adds no trailer of
   * its own (a second pass over the body).
   */
  @ParameterizedTest
  @ValueSource(strings = {"md5", "crc32c", "auto"})
  void everyRequestBodyCarriesTheChosenChecksumOfItsOwnBytes(String chosen) throws Exception {
    String checksum = chosen.equals("auto") ? "md5" : chosen; // S3Proxy is an endpoint of its own: auto is md5
    int part = 5 * 1024 * 1024;
    byte[] big = new RandomStream(2L * part + 17, 3).readAllBytes();
    byte[] small = new RandomStream(1000, 4).readAllBytes();
    String header = checksum.equals("md5") ? "content-md5" : "x-amz-checksum-crc32c";
    String other = checksum.equals("md5") ? "x-amz-checksum-crc32c" : "content-md5";
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(S3.endpoint().endpoint().getPort());
         StorageBackend b = S3TestSupport.open(config("storage.s3.endpoint", "http://127.0.0.1:" + proxy.port(),
             "storage.s3.checksum", chosen))) {
      b.put(ObjectKey.of("small"), small);
      b.put(ObjectKey.of("big"), new ByteArrayInputStream(big), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
      assertArrayEquals(small, b.get(ObjectKey.of("small")));
      assertArrayEquals(big, b.get(ObjectKey.of("big")));

      Map<String, String> expected = new HashMap<>();
      expected.put("/small", checksum.equals("md5") ? S3Writer.md5(small, small.length) : S3Writer.crc32c(small, small.length));
      for (int i = 0; i * part < big.length; i++) {
        byte[] p = Arrays.copyOfRange(big, i * part, Math.min(big.length, (i + 1) * part));
        expected.put("/big part " + (i + 1), checksum.equals("md5") ? S3Writer.md5(p, p.length) : S3Writer.crc32c(p, p.length));
      }
      Map<String, String> sent = new HashMap<>();
      for (FaultInjectingProxy.Request r : proxy.requests()) {
        if (!r.method().equals("PUT") || r.target().equals("/" + bucket)) {
          continue;
        }
        String path = r.target().substring(("/" + bucket).length()).replaceAll("\\?.*", "");
        String partNumber = r.query().replaceAll(".*partNumber=(\\d+).*", "$1");
        sent.put(r.query().contains("partNumber=") ? path + " part " + partNumber : path, r.header(header));
        assertNull(r.header(other), r.target());
        assertNull(r.header("x-amz-trailer"), "no checksum of the SDK's own: " + r.target());
      }
      assertEquals(expected, sent);
    }
  }

  @Test
  void theDefaultChecksumIsCrc32cOnAwsAndMd5OnAnyOtherEndpoint() {
    try (StorageBackend aws = S3TestSupport.open(config("storage.s3.endpoint", null));
         StorageBackend other = S3TestSupport.open(config())) {
      assertTrue(aws.toString().contains("checksum=crc32c"), aws.toString());
      assertTrue(other.toString().contains("checksum=md5"), other.toString());
    }
  }

  @Test
  void bulkDeletesAreDeleteObjectsOfAThousandKeys() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend b = StorageBackends.builder().config(config()).environment(Map.of()).meterRegistry(registry).open()) {
      List<ObjectKey> keys = IntStream.range(0, 1100).mapToObj(i -> ObjectKey.of("d/" + i)).collect(Collectors.toList());
      keys.parallelStream().forEach(k -> b.put(k, new byte[1]));
      b.deleteAll(keys);
      try (var s = b.list("d/")) {
        assertEquals(0, s.count());
      }
    }
    assertEquals(2, registry.get("storage.s3.requests").tags("operation", "DeleteObjects").timer().count());
  }
}
