package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.cache.BuildCache;
import io.kafkabackup.cache.CacheEntry;
import io.kafkabackup.cache.CacheIntegrityException;
import io.kafkabackup.cache.SaveOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.FaultInjectingProxy;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache download cut half-way by the network (every GET of the archive loses its second half, so the
 * provider's retries cannot help): restore fails with a typed error, the existing mount is untouched and
 * no staging directory or partial tree is left.
 */
class CacheDownloadCutTest {
  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension();
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @TempDir
  Path dir;

  @Test
  void azure() throws IOException {
    Map<String, String> config = StorageUnderTest.azure(AZURITE.endpoint());
    config.put("storage.azure.max-retries", "2");
    cutDownload(config, "storage.azure.endpoint");
  }

  @Test
  void s3() throws IOException {
    Map<String, String> config = StorageUnderTest.s3(S3.endpoint());
    config.put("storage.s3.max-retries", "2");
    cutDownload(config, "storage.s3.endpoint");
  }

  private void cutDownload(Map<String, String> direct, String endpointKey) throws IOException {
    Path work = dir.resolve("work");
    Path m = Files.createDirectories(work.resolve("m"));
    Random random = new Random(3);
    for (int i = 0; i < 8; i++) {
      byte[] incompressible = new byte[512 * 1024];
      random.nextBytes(incompressible);
      Files.write(m.resolve("blob-" + i), incompressible);
    }
    CacheEntry entry;
    try (StorageBackend backend = StorageUnderTest.open(direct)) {
      entry = new BuildCache(backend, Clock.systemUTC()).save("cut", work, List.of("m"), SaveOptions.defaults())
          .entry().orElseThrow();
    }

    URI endpoint = URI.create(direct.get(endpointKey));
    try (FaultInjectingProxy proxy = new FaultInjectingProxy(endpoint.getPort())) {
      Map<String, String> viaProxy = new HashMap<>(direct);
      viaProxy.put(endpointKey, endpoint.toString().replace(":" + endpoint.getPort(), ":" + proxy.port()));
      // Each GET (ranged or whole) loses everything after 64 KiB: less than any part the providers fetch.
      long half = entry.archiveBytes() / 2;
      proxy.rule(r -> r.method().equals("GET") && r.target().contains(entry.archive())
          ? FaultInjectingProxy.Fault.cutBodyAfter((int) Math.min(half, 64 * 1024))
          : FaultInjectingProxy.Fault.FORWARD);
      Path target = dir.resolve("checkout");
      Files.writeString(Files.createDirectories(target.resolve("m")).resolve("mine"), "untouched");
      try (StorageBackend backend = StorageUnderTest.open(viaProxy)) {
        RuntimeException e = assertThrows(RuntimeException.class,
            () -> new BuildCache(backend, Clock.systemUTC()).restore("cut", List.of(), target));
        assertTrue(e instanceof CacheIntegrityException || e instanceof StorageException,
            "a typed error, got " + e);
      }
      assertTrue(proxy.requests().stream().anyMatch(r -> r.target().contains(entry.archive())),
          "the archive was requested through the proxy");
      assertEquals("untouched", Files.readString(target.resolve("m/mine")));
      try (Stream<Path> left = Files.walk(target)) {
        assertEquals(List.of("checkout", "m", "mine"), left.map(p -> p.getFileName().toString()).toList(),
            "no partial tree, no staging directory");
      }
    }
  }
}
