package io.kafkabackup.storage.bench;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Azure SDK's own blob client doing each job: parallel upload with the given block size and
 * concurrency and per-block MD5; downloads either as one streaming GET ({@code downloadStream}) or as
 * the SDK's parallel ranged download into a file on tmpfs; small objects one call each; deletes in Blob
 * Batch requests of 256.
 */
final class RawAzureTarget implements Target {
  private static final long MIB = 1024 * 1024;

  private final BlobContainerClient container;
  private final ParallelTransferOptions transfer;
  private final com.azure.storage.common.ParallelTransferOptions downloadTransfer;
  private final boolean parallelDownload;
  private final BlobBatchClient batch;

  /**
   * @param parallelDownload whether downloads are the SDK's parallel ranged download (into a tmpfs file,
   *     deleted afterwards) rather than one streaming GET
   */
  RawAzureTarget(BlobContainerClient container, long blockSize, int concurrency, boolean parallelDownload) {
    this.container = container;
    this.transfer = new ParallelTransferOptions().setBlockSizeLong(blockSize).setMaxConcurrency(concurrency)
        .setMaxSingleUploadSizeLong(blockSize);
    this.downloadTransfer = new com.azure.storage.common.ParallelTransferOptions().setBlockSizeLong(blockSize)
        .setMaxConcurrency(concurrency);
    this.parallelDownload = parallelDownload;
    this.batch = new BlobBatchClientBuilder(container.getServiceClient()).buildClient();
  }

  static String label(long blockSize, int concurrency) {
    return (blockSize / MIB) + " MiB x " + concurrency;
  }

  @Override
  public void upload(String key, InputStream data, long size) {
    container.getBlobClient(key).uploadWithResponse(new BlobParallelUploadOptions(data)
        .setParallelTransferOptions(transfer).setComputeMd5(true), null, null);
  }

  @Override
  public long downloadTo(String key, OutputStream out) {
    return container.getBlobClient(key).downloadStreamWithResponse(out, null, null, null, false, null, null)
        .getDeserializedHeaders().getContentLength();
  }

  @Override
  public long download(String key) throws Exception {
    if (!parallelDownload) {
      return downloadTo(key, OutputStream.nullOutputStream());
    }
    Path file = Fixture.TMPFS.resolve("raw-azure-" + System.nanoTime());
    try {
      return container.getBlobClient(key).downloadToFileWithResponse(new BlobDownloadToFileOptions(file.toString())
          .setParallelTransferOptions(downloadTransfer), null, null).getValue().getBlobSize();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    container.getBlobClient(key).upload(BinaryData.fromBytes(data), true);
  }

  @Override
  public void stat(String key) {
    container.getBlobClient(key).getProperties();
  }

  @Override
  public void get(String key) {
    container.getBlobClient(key).downloadContent();
  }

  @Override
  public long list(String prefix) {
    return container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream().count();
  }

  @Override
  public void deleteAll(List<String> keys) {
    for (int i = 0; i < keys.size(); i += 256) {
      List<String> urls = new ArrayList<>();
      keys.subList(i, Math.min(keys.size(), i + 256)).forEach(k -> urls.add(container.getBlobClient(k).getBlobUrl()));
      batch.deleteBlobs(urls, DeleteSnapshotsOptionType.INCLUDE).forEach(r -> r.getStatusCode());
    }
  }
}
