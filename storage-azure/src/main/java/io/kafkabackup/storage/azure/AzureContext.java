package io.kafkabackup.storage.azure;

import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageException;
import java.util.concurrent.ExecutorService;

/**
 * What an Azure backend shares with its readers and writers: its settings, the container's clients, the
 * transfer pool and the error mapping.
 *
 * @param settings the backend's settings
 * @param container the container's client for blocking calls
 * @param asyncContainer the container's client for streaming GETs
 * @param pool where blocks and read-ahead GETs run
 */
record AzureContext(AzureSettings settings, BlobContainerClient container, BlobContainerAsyncClient asyncContainer,
    ExecutorService pool) {

  BlobClient blob(ObjectKey key) {
    return container.getBlobClient(settings.prefix().apply(key));
  }

  BlobAsyncClient asyncBlob(ObjectKey key) {
    return asyncContainer.getBlobAsyncClient(settings.prefix().apply(key));
  }

  StorageException translate(Throwable e, String operation, Object target) {
    return AzureErrors.translate(e, operation, String.valueOf(target), settings.container());
  }
}
