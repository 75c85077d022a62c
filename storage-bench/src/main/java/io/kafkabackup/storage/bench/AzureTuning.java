package io.kafkabackup.storage.bench;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.AzuriteServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upload and download throughput of one large blob on Azurite: our backend over a grid of block size x
 * concurrency (uploads, interleaved with the raw SDK's parallel upload of the same settings) and chunk
 * size x read-ahead (reads of a bounded range, the ranged-GET path), on a fresh Azurite per cell.
 */
final class AzureTuning {
  private static final long MIB = 1024 * 1024;

  private AzureTuning() {
  }

  static String run(Bench.Settings s) throws Exception {
    List<Measurement.Result> results = new ArrayList<>();
    long size = s.objectSize();
    for (long block : new long[] {4 * MIB, 8 * MIB, 16 * MIB}) {
      for (int concurrency : new int[] {2, 4, 8}) {
        // A fresh in-memory Azurite per cell: it slows as it fills and keeps overwritten blocks for minutes.
        try (AzuriteServer azurite = AzuriteServer.builder().mode(AzuriteServer.Mode.NPM).start()) {
          AzuriteEndpoint endpoint = azurite.endpoint();
          BlobContainerClient container = new BlobServiceClientBuilder().connectionString(endpoint.connectionString())
              .buildClient().getBlobContainerClient("bench");
          container.create();
          String label = (block / MIB) + " MiB x " + concurrency;
          BlobClient raw = container.getBlobClient("raw");
          ParallelTransferOptions transfer = new ParallelTransferOptions().setBlockSizeLong(block)
              .setMaxConcurrency(concurrency).setMaxSingleUploadSizeLong(block);
          try (StorageBackend backend = open(endpoint, block, concurrency)) {
            ObjectKey key = ObjectKey.of("ours");
            Map<String, Measurement.Run> uploads = new LinkedHashMap<>();
            uploads.put("upload, ours, " + label, () -> backend.put(key, new RandomStream(size, 1),
                StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite()).size() / 1e6);
            uploads.put("upload, raw SDK, " + label, () -> {
              raw.uploadWithResponse(new BlobParallelUploadOptions(new RandomStream(size, 1))
                  .setParallelTransferOptions(transfer).setComputeMd5(true), null, null);
              return size / 1e6;
            });
            results.addAll(Measurement.interleaved(uploads, s.warmups(), s.iterations()));
            // A bounded range is read in ranged GETs of the download block size; a read to the end is one GET.
            results.add(Measurement.measure("ranged download, ours, " + label, s.warmups(), s.iterations(), () -> {
              try (InputStream in = backend.openStream(key, ByteRange.of(0, size))) {
                return in.transferTo(OutputStream.nullOutputStream()) / 1e6;
              }
            }));
          }
          if (block == 8 * MIB && concurrency == 4) {
            results.add(Measurement.measure("download, raw SDK, downloadStream", s.warmups(), s.iterations(), () -> {
              raw.downloadStream(OutputStream.nullOutputStream());
              return size / 1e6;
            }));
            results.add(Measurement.measure("download, raw SDK, openInputStream 16 MiB blocks", s.warmups(),
                s.iterations(), () -> {
                  try (InputStream in = raw.openInputStream(new BlobInputStreamOptions().setBlockSize((int) (16 * MIB)))) {
                    return in.transferTo(OutputStream.nullOutputStream()) / 1e6;
                  }
                }));
          }
        }
      }
    }
    StringBuilder md = new StringBuilder("| workload (" + (size / MIB) + " MiB blob on Azurite) "
        + "| median MB/s | spread MB/s |\n| --- | --- | --- |\n");
    results.forEach(r -> md.append(r.row()).append('\n'));
    return md.toString();
  }

  private static StorageBackend open(AzuriteEndpoint endpoint, long block, int concurrency) {
    Map<String, String> config = new HashMap<>();
    config.put("storage.backend", "azure");
    config.put("storage.azure.endpoint", endpoint.blobEndpoint().toString());
    config.put("storage.azure.account-name", endpoint.accountName());
    config.put("storage.azure.account-key", endpoint.accountKey());
    config.put("storage.azure.container", "bench");
    config.put("storage.azure.part-size", String.valueOf(block));
    config.put("storage.azure.single-put-threshold", String.valueOf(block));
    config.put("storage.azure.max-concurrency", String.valueOf(concurrency));
    config.put("storage.azure.download-part-size", String.valueOf(block));
    config.put("storage.azure.download-concurrency", String.valueOf(concurrency));
    config.put("storage.metrics.enabled", "false");
    return StorageBackends.builder().environment(Map.of()).config(config).open();
  }
}
