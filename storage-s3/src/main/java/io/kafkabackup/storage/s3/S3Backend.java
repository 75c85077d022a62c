package io.kafkabackup.storage.s3;

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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link StorageBackend} on Amazon S3 or an S3-compatible store: one bucket, optionally below a prefix.
 *
 * <p>The client, its HTTP connection pool and the credentials provider are built once, when the backend
 * opens, and shared by every operation and thread. Large and unknown-length uploads are multipart
 * uploads with parallel parts, aborted on failure (see {@code S3Writer}); downloads are ranged
 * GETs with read-ahead pinned to the first response's etag; create-only and if-match are
 * {@code If-None-Match: *} and {@code If-Match} on the final request; bulk deletes are DeleteObjects of
 * up to 1,000 keys.
 */
public final class S3Backend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(S3Backend.class);
  /** Keys per DeleteObjects request: the service's limit. */
  static final int DELETE_BATCH = 1000;
  /** The largest object CopyObject copies in one request. */
  private static final long MAX_COPY_SIZE = 5L * 1024 * 1024 * 1024;

  private final S3Settings settings;
  private final KeyPrefix prefix;
  private final S3Client s3;
  private final ExecutorService pool;
  private final S3Context context;
  private final AtomicBoolean closed = new AtomicBoolean();

  S3Backend(S3Settings settings) {
    this.settings = settings;
    this.prefix = settings.prefix();
    Transfer transfer = settings.transfer();
    S3ClientBuilder builder = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials(settings))
        .forcePathStyle(settings.pathStyle())
        // request-timeout bounds each wait on the service (the answer to begin, each read of a body), as
        // for every provider; the socket timeout is that wait, so a long transfer is never cut short.
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(transfer.connectTimeout())
            .socketTimeout(transfer.requestTimeout()).expectContinueEnabled(false)
            .maxConnections(Math.max(50, 4 * transfer.upload().maxConcurrency())))
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(transfer.maxRetries() + 1)
                .backoffStrategy(BackoffStrategy.exponentialDelay(transfer.retryInitialDelay(), transfer.retryMaxDelay()))
                .throttlingBackoffStrategy(
                    BackoffStrategy.exponentialDelay(transfer.retryInitialDelay(), transfer.retryMaxDelay()))
                .build())
            .addExecutionInterceptor(new S3RequestObserver(new RequestLog(S3BackendProvider.TYPE,
                settings.requestRecorder()))));
    if (settings.checksum() != S3Settings.Checksum.SDK) {
      // The writer computes the checksum itself; the SDK adds none of its own (no second pass over the body).
      builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    if (settings.endpoint() != null) {
      TransportSecurity.requireTls(settings.endpoint(), settings.allowInsecureHttp(), "storage.s3.endpoint",
          "storage.s3.allow-insecure-http");
      builder.endpointOverride(settings.endpoint());
    }
    this.s3 = builder.build();
    this.pool = TransferPool.create(S3BackendProvider.TYPE, transfer.poolSize());
    this.context = new S3Context(settings, s3, pool);
    LOG.atInfo().addKeyValue("bucket", settings.bucket()).addKeyValue("region", settings.region())
        .addKeyValue("endpoint", settings.endpoint()).addKeyValue("prefix", prefix.toString())
        .addKeyValue("checksum", settings.checksum().name().toLowerCase(Locale.ROOT))
        .log("S3 backend opened; credentials: {}", settings.accessKeyId() != null ? "static" : "default chain");
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    return credentials(s.accessKeyId(), s.secretAccessKey(), s.sessionToken());
  }

  /** Static credentials when an access key id is configured, else the SDK's default chain; shared with KMS. */
  static AwsCredentialsProvider credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
    if (accessKeyId == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(sessionToken == null
        ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
        : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
  }

  @Override
  public String type() {
    return S3BackendProvider.TYPE;
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
      throw translate(e, "put", key, options.mode());
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    ensureOpen();
    return newWriter(key, options, UNKNOWN_LENGTH);
  }

  private S3Writer newWriter(ObjectKey key, PutOptions options, long expectedLength) {
    return new S3Writer(context, key, options, expectedLength);
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    ensureOpen();
    return new S3Reader(context, key, null);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    ensureOpen();
    return new S3Reader(context, key, range);
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    ensureOpen();
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(settings.bucket()).key(context.name(key)));
      return new ObjectMetadata(key, head.contentLength(), head.eTag(), head.lastModified(),
          head.contentType() == null ? PutOptions.DEFAULT_CONTENT_TYPE : head.contentType(),
          head.metadata() == null ? Map.of() : new TreeMap<>(head.metadata()));
    } catch (RuntimeException e) {
      throw translate(e, "stat", key, null);
    }
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    ensureOpen();
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(settings.bucket())
        .prefix(prefix.applyToListPrefix(options.prefix()));
    if (options.pageSize() > 0) {
      request.maxKeys(Math.min(1000, options.pageSize()));
    }
    options.delimiter().ifPresent(request::delimiter);
    return PagedListing.stream(s3.listObjectsV2Paginator(request.build()).iterator(), this::entriesOf,
        e -> translate(e, "list", options.prefix(), null));
  }

  private List<ListEntry> entriesOf(ListObjectsV2Response page) {
    List<ListEntry> entries = new ArrayList<>();
    for (S3Object o : page.contents()) {
      if (o.eTag() == null || o.size() == null || o.lastModified() == null) {
        // S3-compatible stores (S3Proxy's filesystem store) list an object deleted while the listing ran
        // without its attributes: it is gone, and a listing may omit what is deleted concurrently.
        LOG.debug("skipping object '{}': listed without etag, size or date (deleted while listing)", o.key());
        continue;
      }
      try {
        entries.add(new ListEntry.StoredObject(ObjectKey.of(prefix.strip(o.key())), o.size(), o.eTag(), o.lastModified()));
      } catch (StorageException e) {
        LOG.debug("skipping object '{}': its name is not a valid key", o.key());
      }
    }
    for (CommonPrefix p : page.commonPrefixes()) {
      entries.add(new ListEntry.Prefix(prefix.strip(p.prefix())));
    }
    return entries;
  }

  @Override
  public void delete(ObjectKey key) {
    ensureOpen();
    try {
      s3.deleteObject(b -> b.bucket(settings.bucket()).key(context.name(key)));
    } catch (RuntimeException e) {
      StorageException translated = translate(e, "delete", key, null);
      if (!(translated instanceof ObjectNotFoundException)) {
        throw translated;
      }
    }
  }

  /** Deletes with DeleteObjects, 1,000 keys per request and several requests at once. */
  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    ensureOpen();
    BatchDelete.run(keys, DELETE_BATCH, pool, this::deleteBatch, e -> translate(e, "delete", keys.size() + " keys", null));
  }

  private Map<ObjectKey, Throwable> deleteBatch(List<ObjectKey> keys) {
    Map<String, ObjectKey> byName = new LinkedHashMap<>();
    keys.forEach(k -> byName.put(context.name(k), k));
    List<ObjectIdentifier> ids = byName.keySet().stream().map(n -> ObjectIdentifier.builder().key(n).build())
        .collect(Collectors.toList());
    DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(settings.bucket())
        .delete(d -> d.objects(ids).quiet(true)));
    Map<ObjectKey, Throwable> failures = new LinkedHashMap<>();
    for (S3Error error : response.errors()) {
      if ("NoSuchKey".equals(error.code())) {
        continue;
      }
      ObjectKey key = byName.get(error.key());
      failures.put(key, new StorageException("delete '" + key + "' failed: " + error.code() + ": " + error.message(),
          null, "SlowDown".equals(error.code()) || "InternalError".equals(error.code())));
    }
    return failures;
  }

  /**
   * Copies on the server with CopyObject when the target may be overwritten and the object is at most
   * 5 GiB; conditional copies stream through this process, since CopyObject takes no condition on the
   * target.
   */
  @Override
  public ObjectMetadata copy(ObjectKey source, ObjectKey target, WriteMode mode) {
    ensureOpen();
    ObjectMetadata meta = stat(source);
    if (!(mode instanceof WriteMode.Overwrite) || meta.size() > MAX_COPY_SIZE) {
      return StorageBackend.super.copy(source, target, mode);
    }
    try {
      s3.copyObject(CopyObjectRequest.builder().sourceBucket(settings.bucket()).sourceKey(context.name(source))
          .destinationBucket(settings.bucket()).destinationKey(context.name(target)).copySourceIfMatch(meta.etag())
          .build());
    } catch (RuntimeException e) {
      throw translate(e, "copy", source + " -> " + target, null);
    }
    return stat(target);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.shutdownNow();
      s3.close();
    }
  }

  @Override
  public String toString() {
    return "S3Backend{bucket=" + settings.bucket() + ", endpoint=" + settings.endpoint() + ", prefix=" + prefix
        + ", checksum=" + settings.checksum().name().toLowerCase(Locale.ROOT) + "}";
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("storage backend is closed");
    }
  }

  private StorageException translate(Throwable e, String operation, Object target, WriteMode mode) {
    return context.translate(e, operation, target, mode);
  }
}
