package io.kafkabackup.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlockListType;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.AzuriteExtension;
import io.kafkabackup.storage.testkit.AzuriteServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Objects beyond 256 MiB, with the default tuning, on an Azurite that keeps blobs on disk. Tagged
 * {@code heavy}: {@code ./mvnw verify} runs it; {@code -Pquick} leaves it out.
 */
@Tag("heavy")
class AzureLargeObjectTest {
  private static final Path AZURITE_DATA = createTempDirectory();

  @RegisterExtension
  static final AzuriteExtension AZURITE = new AzuriteExtension(AzuriteServer.builder().location(AZURITE_DATA));

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("azurite-large");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void deleteAzuriteData() throws IOException {
    try (Stream<Path> files = Files.walk(AZURITE_DATA)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Test
  void aBlobOver256MiBGoesThroughStagedBlocksAndComesBackIntact() throws IOException {
    AzuriteEndpoint azurite = AZURITE.endpoint();
    BlobContainerClient container = AzureTestSupport.createContainer(azurite);
    long size = 300L * 1024 * 1024 + 17;
    try (StorageBackend backend = AzureTestSupport.open(AzureTestSupport.config(azurite, container.getBlobContainerName(),
        "storage.azure.part-size", null, "storage.azure.single-put-threshold", null,
        "storage.azure.download-part-size", null))) {
      backend.put(ObjectKey.of("segment.log"), new RandomStream(size, 1), size, PutOptions.overwrite());
      try (InputStream in = backend.openStream(ObjectKey.of("segment.log"))) {
        assertEquals(Digests.sha256(new RandomStream(size, 1)), Digests.sha256(in));
      }
    }
    assertEquals(38, container.getBlobClient("segment.log").getBlockBlobClient().listBlocks(BlockListType.COMMITTED)
        .getCommittedBlocks().size(), "8 MiB default blocks");
  }

  @Test
  void oneGibibyteRoundTripsInAJvmWith128MiBOfHeap() throws Exception {
    AzuriteEndpoint azurite = AZURITE.endpoint();
    String container = AzureTestSupport.createContainer(azurite).getBlobContainerName();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), LargeTransferWorker.class.getName(),
        azurite.blobEndpoint().toString(), azurite.accountName(), azurite.accountKey(), container,
        String.valueOf(1L << 30)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), output);
    assertEquals(0, p.exitValue(), output);
    List<String> lines = output.lines().filter(l -> l.startsWith("size=")).toList();
    assertEquals(1, lines.size(), output);
    System.out.println("1 GiB in -Xmx128m: " + lines.get(0));
  }
}
