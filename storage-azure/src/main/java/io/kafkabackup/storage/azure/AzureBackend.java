package io.kafkabackup.storage.azure;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.rest.PagedIterable;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.blob.batch.BlobBatchClient;
import com.azure.storage.blob.batch.BlobBatchClientBuilder;
import com.azure.storage.blob.batch.BlobBatchStorageException;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.Capabilities;
import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.BatchDelete;
import io.kafkabackup.storage.kit.PagedListing;
import io.kafkabackup.storage.kit.StreamUploads;
import io.kafkabackup.storage.kit.RequestLog;
import io.kafkabackup.storage.kit.TransferKeys.Transfer;
import io.kafkabackup.storage.kit.TransferPool;
import io.kafkabackup.storage.kit.TransportSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.ConnectionProvider;

/**
 * A {@link StorageBackend} on Azure Blob Storage: one container, optionally below a prefix, holding
 * block blobs.
 *
 * <p>The SDK client, its HTTP client and the credential are built once, when the backend opens, and
 * shared by every operation and thread. Uploads up to the single-put threshold are one Put Blob; larger
 * or unknown-length ones are staged as blocks in parallel and committed with one Put Block List, so a
 * blob appears whole or not at all (see {@code AzureWriter}). Downloads are ranged GETs with
 * read-ahead, pinned to the first response's etag (see {@code AzureReader}). Create-only and
 * if-match map to {@code If-None-Match: *} and {@code If-Match} on the final request. Every request is
 * retried on 429, 5xx and network errors with backoff that honours {@code Retry-After}, and is logged
 * and counted with its request ids.
 */
public final class AzureBackend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(AzureBackend.class);
  /** Keys per Blob Batch request: the service's limit. */
  static final int BATCH_SIZE = 256;

  private final AzureSettings settings;
  private final KeyPrefix prefix;
  private final BlobServiceClient service;
  private final BlobContainerClient container;
  private final BlobBatchClient batch;
  private final ExecutorService pool;
  private final AzureContext context;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** This backend's own connection pool, so that close() releases every socket it opened. */
  private final ConnectionProvider connections = ConnectionProvider.create("kafka-backup-azure", 500);

  AzureBackend(AzureSettings settings) {
    this.settings = settings;
    this.prefix = settings.prefix();
    AzureCredentials.Selection credential = AzureCredentials.select(settings.config(), settings.accountName());
    Transfer transfer = settings.transfer();
    BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
        // The operation timeout bounds each wait on the service here, in the HTTP client: passed to the
        // SDK's sync calls instead, it would move every call onto another thread to time it.
        .httpClient(new NettyAsyncHttpClientBuilder().connectionProvider(connections)
            .connectTimeout(transfer.connectTimeout()).responseTimeout(transfer.requestTimeout())
            .readTimeout(transfer.requestTimeout()).writeTimeout(transfer.requestTimeout()).build())
        // The SDK's storage retry ignores Retry-After: it makes one try, and ServiceRetryPolicy retries.
        .retryOptions(new RequestRetryOptions(null, 1, (Integer) null, null, null, null))
        .addPolicy(new ServiceRetryPolicy(transfer.maxRetries(), transfer.retryInitialDelay(), transfer.retryMaxDelay()))
        .addPolicy(new AzureRequestObserver(new RequestLog(AzureBackendProvider.TYPE, settings.requestRecorder())))
        .httpLogOptions(logOptions());
    credential.apply().accept(builder);
    if (settings.endpoint() != null) {
      builder.endpoint(settings.endpoint().toString());
    }
    if (settings.serviceVersion() != null) {
      builder.serviceVersion(serviceVersion(settings));
    }
    this.service = builder.buildClient();
    TransportSecurity.requireTls(URI.create(service.getAccountUrl()), settings.allowInsecureHttp(),
        "storage.azure.endpoint", "storage.azure.allow-insecure-http");
    this.container = service.getBlobContainerClient(settings.container());
    // Streaming GETs need the async client: the sync one can only push a body into an OutputStream.
    BlobContainerAsyncClient asyncContainer = builder.buildAsyncClient().getBlobContainerAsyncClient(settings.container());
    this.batch = new BlobBatchClientBuilder(service).buildClient();
    this.pool = TransferPool.create(AzureBackendProvider.TYPE, transfer.poolSize());
    this.context = new AzureContext(settings, container, asyncContainer, pool);
    LOG.atInfo().addKeyValue("account_url", service.getAccountUrl()).addKeyValue("container", settings.container())
        .addKeyValue("prefix", prefix.toString())
        .log("Azure Blob backend opened; authentication {}", credential.description());
    if (settings.createContainer()) {
      try {
        container.createIfNotExists();
      } catch (RuntimeException e) {
        pool.shutdownNow();
        throw translate(e, "create container", settings.container());
      }
    }
  }

  private static BlobServiceVersion serviceVersion(AzureSettings settings) {
    for (BlobServiceVersion v : BlobServiceVersion.values()) {
      if (v.getVersion().equals(settings.serviceVersion())) {
        return v;
      }
    }
    throw settings.config().invalid(AzureBackendProvider.SERVICE_VERSION, "'" + settings.serviceVersion()
        + "' is not a Blob service version this SDK knows; the newest is " + BlobServiceVersion.getLatest().getVersion());
  }

  @Override
  public String type() {
    return AzureBackendProvider.TYPE;
  }

  @Override
  public KeyPrefix prefix() {
    return prefix;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true);
  }

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    ensureOpen();
    try {
      return StreamUploads.write(newWriter(key, options, length), data, length);
    } catch (IOException e) {
      throw translate(e, "put", key);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    ensureOpen();
    return newWriter(key, options, UNKNOWN_LENGTH);
  }

  private AzureWriter newWriter(ObjectKey key, PutOptions options, long expectedLength) {
    return new AzureWriter(context, key, options, expectedLength);
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    ensureOpen();
    return new AzureReader(context, key, null);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    ensureOpen();
    return new AzureReader(context, key, range);
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    ensureOpen();
    try {
      BlobProperties p = blob(key).getPropertiesWithResponse(null, null, Context.NONE).getValue();
      return new ObjectMetadata(key, p.getBlobSize(), p.getETag(), p.getLastModified().toInstant(),
          p.getContentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : p.getContentType(),
          p.getMetadata() == null ? Map.of() : new TreeMap<>(p.getMetadata()));
    } catch (RuntimeException e) {
      throw translate(e, "stat", key);
    }
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    ensureOpen();
    ListBlobsOptions request = new ListBlobsOptions().setPrefix(prefix.applyToListPrefix(options.prefix()));
    if (options.pageSize() > 0) {
      request.setMaxResultsPerPage(options.pageSize());
    }
    Iterator<PagedResponse<BlobItem>> pages;
    try {
      PagedIterable<BlobItem> items = options.delimiter().isPresent()
          ? container.listBlobsByHierarchy("/", request, null)
          : container.listBlobs(request, null);
      pages = items.iterableByPage().iterator(); // fetches the first page
    } catch (RuntimeException e) {
      throw translate(e, "list", options.prefix());
    }
    return PagedListing.stream(pages, this::entriesOf, e -> translate(e, "list", options.prefix()));
  }

  private List<ListEntry> entriesOf(PagedResponse<BlobItem> page) {
    List<ListEntry> entries = new ArrayList<>();
    for (BlobItem item : page.getValue()) {
      String name = prefix.strip(item.getName());
      if (Boolean.TRUE.equals(item.isPrefix())) {
        entries.add(new ListEntry.Prefix(name));
        continue;
      }
      try {
        entries.add(new ListEntry.StoredObject(ObjectKey.of(name), item.getProperties().getContentLength(),
            item.getProperties().getETag(), item.getProperties().getLastModified().toInstant()));
      } catch (StorageException e) {
        LOG.debug("skipping blob '{}': its name is not a valid key", item.getName());
      }
    }
    return entries;
  }

  @Override
  public void delete(ObjectKey key) {
    ensureOpen();
    try {
      blob(key).deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() != 404 || "ContainerNotFound".equals(String.valueOf(e.getErrorCode()))) {
        throw translate(e, "delete", key);
      }
    } catch (RuntimeException e) {
      throw translate(e, "delete", key);
    }
  }

  /**
   * Deletes with Blob Batch, 256 keys per request and several requests at once; a key that is already
   * gone counts as deleted. If the service refuses batches altogether, falls back to single deletes.
   */
  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    ensureOpen();
    BatchDelete.run(keys, BATCH_SIZE, pool, this::deleteBatch, e -> translate(e, "delete", keys.size() + " keys"));
  }

  private Map<ObjectKey, Throwable> deleteBatch(List<ObjectKey> keys) {
    Map<String, ObjectKey> byUrl = new LinkedHashMap<>();
    for (ObjectKey k : keys) {
      byUrl.put(blob(k).getBlobUrl(), k);
    }
    Map<ObjectKey, Throwable> failures = new LinkedHashMap<>();
    try {
      for (Response<Void> ignored : batch.deleteBlobs(new ArrayList<>(byUrl.keySet()), DeleteSnapshotsOptionType.INCLUDE,
          null, Context.NONE)) {
        // Iterating drives the batch; failures surface as BlobBatchStorageException.
      }
    } catch (BlobBatchStorageException e) {
      for (BlobStorageException failure : e.getBatchExceptions()) {
        if (failure.getStatusCode() == 404 && !"ContainerNotFound".equals(String.valueOf(failure.getErrorCode()))) {
          continue;
        }
        ObjectKey key = byUrl.get(failure.getResponse().getRequest().getUrl().toString());
        failures.put(key != null ? key : keys.get(0), translate(failure, "delete", String.valueOf(key)));
      }
    } catch (BlobStorageException e) {
      if (e.getStatusCode() >= 500 || e.getStatusCode() == 429) {
        throw translate(e, "delete", keys.size() + " keys");
      }
      LOG.debug("Blob Batch refused (HTTP {}); deleting one by one", e.getStatusCode());
      for (ObjectKey k : keys) {
        try {
          delete(k);
        } catch (StorageException single) {
          failures.put(k, single);
        }
      }
    }
    return failures;
  }

  @Override
  public ObjectMetadata copy(ObjectKey source, ObjectKey target, WriteMode mode) {
    ensureOpen();
    try {
      SyncPoller<BlobCopyInfo, Void> poller = blob(target).beginCopy(new BlobBeginCopyOptions(blob(source).getBlobUrl())
          .setDestinationRequestConditions(AzureWriter.conditions(mode))
          .setPollInterval(Duration.ofMillis(200)));
      poller.waitForCompletion(settings.transfer().requestTimeout());
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        throw new ObjectNotFoundException("copy '" + source + "' failed: the source does not exist", e);
      }
      throw translate(e, "copy", source + " -> " + target);
    } catch (RuntimeException e) {
      throw translate(e, "copy", source + " -> " + target);
    }
    return stat(target);
  }

  /**
   * The SDK's HTTP logging at the level the environment asks for ({@code AZURE_HTTP_LOG_DETAIL_LEVEL}),
   * with the storage SDK's redaction lists, but never bodies: a Blob Batch body holds every sub-request's
   * query string (a SAS {@code sig=}) and signed {@code Authorization} header, which the SDK does not
   * redact. Headers and URLs are still logged, with their secrets redacted.
   */
  static HttpLogOptions logOptions() {
    HttpLogOptions options = BlobServiceClientBuilder.getDefaultHttpLogOptions();
    String configured = Configuration.getGlobalConfiguration().get(Configuration.PROPERTY_AZURE_HTTP_LOG_DETAIL_LEVEL);
    HttpLogDetailLevel level = HttpLogDetailLevel.NONE;
    if (configured != null) {
      switch (configured.trim().toLowerCase(Locale.ROOT)) {
        case "basic":
          level = HttpLogDetailLevel.BASIC;
          break;
        case "headers":
        case "body":
        case "body_and_headers":
        case "bodyandheaders":
          level = HttpLogDetailLevel.HEADERS;
          break;
        default:
          break;
      }
    }
    return options.setLogLevel(level);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.shutdownNow();
      // The SDK's HTTP client has no close: disposing its pool closes every connection now, rather
      // than when the server (or a NAT or proxy in between) gives up on them.
      connections.dispose();
    }
  }

  @Override
  public String toString() {
    return "AzureBackend{account_url=" + service.getAccountUrl() + ", container=" + settings.container()
        + ", prefix=" + prefix + "}";
  }

  private BlobClient blob(ObjectKey key) {
    return context.blob(key);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("storage backend is closed");
    }
  }

  private StorageException translate(Throwable e, String operation, Object target) {
    return context.translate(e, operation, target);
  }
}
