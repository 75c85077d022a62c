package io.kafkabackup.storage.bench;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.tck.RandomStream;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.AzuriteServer;
import io.kafkabackup.storage.testkit.S3Endpoint;
import io.kafkabackup.storage.testkit.S3ProxyServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Each provider next to the raw SDK doing the same job, in one run: one large object up and down, many
 * small objects (upload, stat, download, list, bulk delete) at concurrency 1 and 32, and concurrent
 * partitions streaming segments. Ratios are computed from the same run.
 */
final class ProviderComparison {
  private static final long MIB = 1024 * 1024;
  private static final int SMALL_COUNT = Integer.getInteger("bench.smallCount", 2000);
  private static final int SMALL_SIZE = 64 * 1024;
  private static final int PARTITIONS = Integer.getInteger("bench.partitions", 4);
  private static final long SEGMENT_SIZE = Long.getLong("bench.segmentMiB", 128) << 20;

  private ProviderComparison() {
  }

  static String run(Bench.Settings s) throws Exception {
    Map<String, Measurement.Result> r = new LinkedHashMap<>();
    long size = s.objectSize();
    Path fsRoot = Files.createTempDirectory("bench-fs");
    try (AzuriteServer azurite = AzuriteServer.builder().mode(AzuriteServer.Mode.NPM).start();
         S3ProxyServer s3proxy = S3ProxyServer.start()) {
      AzuriteEndpoint az = azurite.endpoint();
      BlobContainerClient container = new BlobServiceClientBuilder().connectionString(az.connectionString())
          .buildClient().getBlobContainerClient("bench");
      container.create();
      S3Endpoint s3 = s3proxy.endpoint();
      try (S3Client rawS3 = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
          .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey()))).build()) {
        rawS3.createBucket(b -> b.bucket("bench"));
      }

      Map<String, Map<String, String>> configs = new LinkedHashMap<>();
      configs.put("filesystem", Map.of("storage.backend", "filesystem", "storage.filesystem.root", fsRoot.toString()));
      configs.put("azure", Map.of("storage.backend", "azure", "storage.azure.endpoint", az.blobEndpoint().toString(),
          "storage.azure.account-name", az.accountName(), "storage.azure.account-key", az.accountKey(),
          "storage.azure.container", "bench"));
      configs.put("s3", Map.of("storage.backend", "s3", "storage.s3.endpoint", s3.endpoint().toString(),
          "storage.s3.path-style-access", "true", "storage.s3.access-key-id", s3.accessKeyId(),
          "storage.s3.secret-access-key", s3.secretAccessKey(), "storage.s3.bucket", "bench"));

      for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
        Map<String, String> config = new HashMap<>(c.getValue());
        config.put("storage.metrics.enabled", "false");
        try (StorageBackend backend = StorageBackends.builder().config(config).environment(Map.of()).open()) {
          large(r, c.getKey() + ", ours", backend, size, s);
          small(r, c.getKey() + ", ours", backend, s);
          put(r, ConcurrentPartitions.measure(c.getKey() + ", ours", backend, PARTITIONS, 2, SEGMENT_SIZE, s));
        }
      }
      rawAzure(r, container.getBlobClient("raw"), size, s);
      rawS3(r, s3, size, s);
    } finally {
      try (var paths = Files.walk(fsRoot)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    StringBuilder md = new StringBuilder("| workload | median | spread |\n| --- | --- | --- |\n");
    r.values().forEach(x -> md.append(x.row()).append('\n'));
    md.append("\n| ratio (medians of this run) | value |\n| --- | --- |\n");
    ratio(md, r, "azure: ours / raw SDK, upload", "azure, ours, upload", "azure, raw SDK, upload");
    ratio(md, r, "azure: ours / raw SDK, download", "azure, ours, download", "azure, raw SDK, download");
    ratio(md, r, "s3: ours / raw SDK, upload", "s3, ours, upload", "s3, raw SDK, upload");
    ratio(md, r, "s3: ours / raw SDK, download", "s3, ours, download", "s3, raw SDK, download");
    ratio(md, r, "Azure / S3, upload (ours)", "azure, ours, upload", "s3, ours, upload");
    ratio(md, r, "Azure / S3, download (ours)", "azure, ours, download", "s3, ours, download");
    for (String op : List.of("small put", "small stat", "small get")) {
      for (int c : new int[] {1, 32}) {
        String suffix = " x" + c + " (ops/s)";
        ratio(md, r, "Azure / S3, " + op + " x" + c, "azure, ours, " + op + suffix, "s3, ours, " + op + suffix);
      }
    }
    return md.toString();
  }

  private static void ratio(StringBuilder md, Map<String, Measurement.Result> r, String label, String a, String b) {
    if (r.containsKey(a) && r.containsKey(b)) {
      md.append(String.format(java.util.Locale.ROOT, "| %s | %.2f |%n", label,
          r.get(a).medianMbPerSecond() / r.get(b).medianMbPerSecond()));
    }
  }

  private static void put(Map<String, Measurement.Result> r, Measurement.Result result) {
    r.put(result.name(), result);
  }

  private static void large(Map<String, Measurement.Result> r, String name, StorageBackend b, long size,
      Bench.Settings s) throws Exception {
    ObjectKey key = ObjectKey.of("large");
    put(r, Measurement.measure(name + ", upload", s.warmups(), s.iterations(), () ->
        b.put(key, new RandomStream(size, 1), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite()).size()));
    put(r, Measurement.measure(name + ", download", s.warmups(), s.iterations(), () -> {
      try (InputStream in = b.openStream(key)) {
        return in.transferTo(OutputStream.nullOutputStream());
      }
    }));
    b.delete(key);
  }

  /** Small-object rates are reported in operations per second (the "median" column). */
  private static void small(Map<String, Measurement.Result> r, String name, StorageBackend b, Bench.Settings s)
      throws Exception {
    List<ObjectKey> keys = IntStream.range(0, SMALL_COUNT).mapToObj(i -> ObjectKey.of(String.format("small/%05d", i)))
        .collect(Collectors.toList());
    byte[] data = new RandomStream(SMALL_SIZE, 2).readAllBytes();
    for (int concurrency : new int[] {1, 32}) {
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      try {
        String suffix = " x" + concurrency;
        put(r, opsPerSecond(Measurement.measure(name + ", small put" + suffix, 0, s.iterations(),
            () -> forAll(pool, keys, k -> b.put(k, data)))));
        put(r, opsPerSecond(Measurement.measure(name + ", small stat" + suffix, 0, s.iterations(),
            () -> forAll(pool, keys, b::stat))));
        put(r, opsPerSecond(Measurement.measure(name + ", small get" + suffix, 0, s.iterations(),
            () -> forAll(pool, keys, b::get))));
        if (concurrency == 1) {
          put(r, opsPerSecond(Measurement.measure(name + ", small list", 0, s.iterations(), () -> {
            try (var entries = b.list(ListOptions.prefix("small/"))) {
              return entries.count() * 1_000_000L;
            }
          })));
          put(r, opsPerSecond(Measurement.measure(name + ", small bulk delete", 0, 1, () -> {
            b.deleteAll(keys);
            return keys.size() * 1_000_000L;
          })));
          forAll(pool, keys, k -> b.put(k, data));
        }
      } finally {
        pool.shutdownNow();
      }
    }
    b.deleteAll(keys);
  }

  /** Measurement reports bytes/1e6 per second; counting each operation as 1e6 "bytes" turns that into ops/s. */
  private static long forAll(ExecutorService pool, List<ObjectKey> keys, java.util.function.Consumer<ObjectKey> op)
      throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (ObjectKey k : keys) {
      futures.add(pool.submit(() -> op.accept(k)));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    return keys.size() * 1_000_000L;
  }

  private static Measurement.Result opsPerSecond(Measurement.Result m) {
    return new Measurement.Result(m.name() + " (ops/s)", m.medianMbPerSecond(), m.minMbPerSecond(), m.maxMbPerSecond());
  }

  private static void rawAzure(Map<String, Measurement.Result> r, BlobClient raw, long size, Bench.Settings s)
      throws Exception {
    ParallelTransferOptions transfer = new ParallelTransferOptions().setBlockSizeLong(8 * MIB).setMaxConcurrency(4)
        .setMaxSingleUploadSizeLong(8 * MIB);
    put(r, Measurement.measure("azure, raw SDK, upload", s.warmups(), s.iterations(), () -> {
      raw.uploadWithResponse(new BlobParallelUploadOptions(new RandomStream(size, 1)).setParallelTransferOptions(transfer)
          .setComputeMd5(true), null, null);
      return size;
    }));
    put(r, Measurement.measure("azure, raw SDK, download", s.warmups(), s.iterations(), () -> {
      raw.downloadStream(OutputStream.nullOutputStream());
      return size;
    }));
  }

  private static void rawS3(Map<String, Measurement.Result> r, S3Endpoint s3, long size, Bench.Settings s)
      throws Exception {
    ExecutorService streams = Executors.newCachedThreadPool();
    StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
        AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey()));
    try (S3AsyncClient async = S3AsyncClient.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
             .forcePathStyle(true).credentialsProvider(credentials)
             .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(4))
             .multipartEnabled(true)
             .multipartConfiguration(c -> c.minimumPartSizeInBytes(8 * MIB).thresholdInBytes(8 * MIB)).build();
         S3Client sync = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
             .forcePathStyle(true).credentialsProvider(credentials).build()) {
      put(r, Measurement.measure("s3, raw SDK, upload", s.warmups(), s.iterations(), () -> {
        async.putObject(b -> b.bucket("bench").key("raw"),
            AsyncRequestBody.fromInputStream(new RandomStream(size, 1), size, streams)).join();
        return size;
      }));
      put(r, Measurement.measure("s3, raw SDK, download", s.warmups(), s.iterations(), () -> {
        sync.getObject(b -> b.bucket("bench").key("raw"), ResponseTransformer.toOutputStream(OutputStream.nullOutputStream()));
        return size;
      }));
    } finally {
      streams.shutdownNow();
    }
  }
}
