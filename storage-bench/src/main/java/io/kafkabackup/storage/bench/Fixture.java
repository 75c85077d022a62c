package io.kafkabackup.storage.bench;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.AzuriteServer;
import io.kafkabackup.storage.testkit.S3Endpoint;
import io.kafkabackup.storage.testkit.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A fresh server for one provider, our backend on it with default settings, and the raw SDK's cells:
 * the same job under each setting of a small grid (block or part size x concurrency; for Azure
 * downloads, one GET or the SDK's parallel download). The first raw cell is the SDK's counterpart of our
 * defaults and serves the small-object and partition workloads.
 */
final class Fixture implements AutoCloseable {
  private static final long MIB = 1024 * 1024;
  private static final String CONTAINER = "bench";

  final String provider;
  /** Who the raw cells are, e.g. "Azure SDK". */
  final String rawName;
  /** What the raw side of the small-object and partition workloads uses. */
  final String rawSmallLabel;
  final Target ours;
  /** Our backend itself, for workloads above the storage layer (the backup pipeline). */
  final StorageBackend backend;
  /** The configuration our backend was opened with, for a job run in another JVM. */
  final Map<String, String> config;
  final Map<String, Target> rawUploads = new LinkedHashMap<>();
  final Map<String, Target> rawDownloads = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private Fixture(String provider, String rawName, String rawSmallLabel, Map<String, String> config,
      List<AutoCloseable> servers) {
    this.provider = provider;
    this.rawName = rawName;
    this.rawSmallLabel = rawSmallLabel;
    resources.addAll(servers);
    Map<String, String> c = new HashMap<>(config);
    c.put("storage.metrics.enabled", "false");
    // -Dbench.set.storage.s3.part-size=16MiB runs our backend with that setting instead of its default.
    System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("bench.set."))
        .forEach(n -> c.put(n.substring("bench.set.".length()), System.getProperty(n)));
    this.config = Map.copyOf(c);
    StorageBackend backend = StorageBackends.builder().config(c).environment(Map.of()).open();
    resources.add(0, backend);
    this.ours = new OursTarget(backend);
    this.backend = backend;
  }

  /** The raw cell the small-object and partition workloads use. */
  Target raw() {
    return rawUploads.values().iterator().next();
  }

  static Fixture open(String provider, Path scratch) throws Exception {
    switch (provider) {
      case "filesystem":
        // On disk, not in the scratch tmpfs: fsync and extended attributes should cost what they cost.
        return filesystem(Files.createTempDirectory("bench-fs"));
      case "azure":
        return azure();
      case "s3":
        return s3(scratch);
      default:
        throw new IllegalArgumentException("unknown provider '" + provider + "'; known: filesystem, azure, s3");
    }
  }

  private static Fixture filesystem(Path root) {
    Fixture f = new Fixture("filesystem", "plain NIO", "same calls", Map.of("storage.backend", "filesystem", "storage.filesystem.root",
        root.toString()), List.of(() -> deleteTree(root)));
    f.rawUploads.put("write, force, rename, force dir", new RawFilesystemTarget(root));
    f.rawDownloads.put("read", f.raw());
    return f;
  }

  /**
   * Azurite in memory: on disk its writes measure the disk. It frees deleted blobs only minutes later, so
   * a fixture serves one object size and the larger sizes run fewer cells (see {@link #keepOnly}).
   */
  private static Fixture azure() {
    AzuriteServer azurite = AzuriteServer.builder().mode(AzuriteServer.Mode.NPM).start();
    ProcessHandle node = azurite.processHandle().orElseThrow(() -> new IllegalStateException(
        "Azurite runs without a process of its own; its CPU could not be counted"));
    CpuClock.register(node);
    AzuriteEndpoint az = azurite.endpoint();
    BlobContainerClient container = new BlobServiceClientBuilder().connectionString(az.connectionString())
        .buildClient().getBlobContainerClient(CONTAINER);
    container.create();
    Fixture f = new Fixture("azure", "Azure SDK", "BlobClient, 8 MiB x 4 for partitions", Map.of("storage.backend", "azure", "storage.azure.endpoint",
        az.blobEndpoint().toString(), "storage.azure.account-name", az.accountName(), "storage.azure.account-key",
        az.accountKey(), "storage.azure.container", CONTAINER), List.of(azurite, () -> CpuClock.unregister(node)));
    for (long[] cell : new long[][] {{8 * MIB, 4}, {16 * MIB, 4}, {8 * MIB, 8}}) {
      f.rawUploads.put(RawAzureTarget.label(cell[0], (int) cell[1]),
          new RawAzureTarget(container, cell[0], (int) cell[1], false));
    }
    f.rawDownloads.put("downloadStream (one GET)", f.raw());
    f.rawDownloads.put("downloadToFile 8 MiB x 4", new RawAzureTarget(container, 8 * MIB, 4, true));
    f.rawDownloads.put("downloadToFile 16 MiB x 4", new RawAzureTarget(container, 16 * MIB, 4, true));
    return f;
  }

  /** S3Proxy's filesystem store goes under {@code scratch}, a tmpfs where there is one, as Azurite is in memory. */
  private static Fixture s3(Path scratch) {
    S3ProxyServer s3proxy = S3ProxyServer.start(scratch);
    S3Endpoint s3 = s3proxy.endpoint();
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey()));
    S3Client sync = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
        .forcePathStyle(true).credentialsProvider(credentials).build();
    sync.createBucket(b -> b.bucket(CONTAINER));
    ExecutorService streams = Executors.newCachedThreadPool();
    List<AutoCloseable> resources = new ArrayList<>(List.of(s3proxy, sync, streams::shutdownNow));
    Map<String, S3AsyncClient> cells = new LinkedHashMap<>();
    for (long[] cell : new long[][] {{8 * MIB, 4}, {16 * MIB, 4}, {8 * MIB, 8}}) {
      S3AsyncClient async = S3AsyncClient.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
          .forcePathStyle(true).credentialsProvider(credentials)
          .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency((int) cell[1]))
          .multipartEnabled(true)
          .multipartConfiguration(m -> m.minimumPartSizeInBytes(cell[0]).thresholdInBytes(cell[0])).build();
      resources.add(async);
      cells.put((cell[0] / MIB) + " MiB x " + cell[1], async);
    }
    Fixture f = new Fixture("s3", "AWS SDK", "S3Client, async 8 MiB x 4 for partitions", Map.of("storage.backend", "s3", "storage.s3.endpoint", s3.endpoint().toString(),
        "storage.s3.path-style-access", "true", "storage.s3.access-key-id", s3.accessKeyId(),
        "storage.s3.secret-access-key", s3.secretAccessKey(), "storage.s3.bucket", CONTAINER), resources);
    cells.forEach((label, async) -> f.rawUploads.put(label, new RawS3Target(sync, async, CONTAINER, streams)));
    f.rawDownloads.put("GetObject (one GET)", f.raw());
    return f;
  }

  /** Drops every raw cell but the named upload and download cells. */
  void keepOnly(String upload, String download) {
    rawUploads.keySet().retainAll(Set.of(upload));
    rawDownloads.keySet().retainAll(Set.of(download));
  }

  /** Where scratch files go: tmpfs where there is one, so that reading and writing them costs no disk time. */
  static final Path TMPFS = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))
      ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));

  /** A new scratch directory under {@link #TMPFS}; the caller deletes it with {@link #deleteTree}. */
  static Path scratchDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(TMPFS, prefix);
  }

  static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  public void close() throws IOException {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("cannot release " + r + ": " + e.getMessage(), e);
      }
    }
  }
}
