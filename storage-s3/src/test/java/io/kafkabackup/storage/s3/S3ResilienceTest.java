package io.kafkabackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.testkit.FaultInjectingProxy.Fault;
import io.kafkabackup.storage.testkit.FaultInjectingProxy.Request;
import io.kafkabackup.storage.testkit.FaultInjectingProxy;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Broken responses between the S3 backend and S3Proxy, through a fault-injecting proxy. */
class S3ResilienceTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @Test
  void aStreamedDownloadCutOffMidBodyResumesFromTheLastByteWithIfMatch() throws IOException {
    String bucket = S3TestSupport.createBucket(S3.endpoint());
    long size = 3L * 1024 * 1024 + 5;
    try (StorageBackend direct = S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket))) {
      direct.put(ObjectKey.of("big"), new RandomStream(size, 8), size, PutOptions.overwrite());
    }
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(S3.endpoint().endpoint().getPort());
         StorageBackend backend = S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket,
             "storage.s3.endpoint", "http://127.0.0.1:" + proxy.port()))) {
      AtomicInteger cuts = new AtomicInteger(1);
      proxy.rule(r -> r.method().equals("GET") && r.header("range") == null && !r.query().contains("list-type")
          && cuts.getAndDecrement() > 0 ? Fault.cutBodyAfter(1_000_000) : Fault.FORWARD);

      try (InputStream in = backend.openStream(ObjectKey.of("big"))) {
        assertEquals(Digests.sha256(new RandomStream(size, 8)), Digests.sha256(in));
      }
      List<Request> gets = proxy.requests().stream().filter(r -> r.method().equals("GET")).collect(Collectors.toList());
      assertNull(gets.get(0).header("range"), "one streaming GET first");
      List<Request> ranged = gets.subList(1, gets.size());
      assertEquals(List.of("bytes=1000000-2048575", "bytes=2048576-3097151", "bytes=3097152-3145732"),
          ranged.stream().map(r -> r.header("range")).sorted().collect(Collectors.toList()),
          "then ranged GETs from the byte reached");
      ranged.forEach(r -> assertNotNull(r.header("if-match"), "pinned to the version being read"));
    }
  }

  @Test
  void anAnswerThatCannotBeParsedIsNotRetried() {
    String bucket = S3TestSupport.createBucket(S3.endpoint());
    try (StorageBackend direct = S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket))) {
      direct.put(ObjectKey.of("listed"), new byte[] {1});
    }
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(S3.endpoint().endpoint().getPort());
         StorageBackend backend = S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket,
             "storage.s3.endpoint", "http://127.0.0.1:" + proxy.port(), "storage.s3.max-retries", "3"))) {
      proxy.rule(r -> r.query().contains("list-type") ? Fault.garbleBody() : Fault.FORWARD);

      StorageException e = assertThrows(StorageException.class, () -> backend.list("").count());
      assertFalse(e.isRetryable(), "a response the client cannot parse is no transient fault: " + e);
      assertEquals(1, proxy.requests().stream().filter(r -> r.query().contains("list-type")).count(),
          "a client-side deserialization failure is never retried");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
