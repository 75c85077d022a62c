package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.util.List;

/**
 * Provides {@link S3Backend} as {@code storage.backend=s3}, for Amazon S3 and S3-compatible stores
 * (MinIO, Ceph, S3Proxy...). Environment variables follow the AWS SDK's names.
 */
public final class S3BackendProvider implements StorageBackendProvider {
  /** The provider type. */
  public static final String TYPE = "s3";

  private static final long MIB = 1024 * 1024;

  /** {@code storage.s3.bucket}. */
  public static final ConfigKey BUCKET = ConfigKey.builder("bucket", Type.STRING).required()
      .description("Bucket that holds the objects.").build();
  /** {@code storage.s3.region}. */
  public static final ConfigKey REGION = ConfigKey.builder("region", Type.STRING)
      .env("AWS_REGION", "AWS_DEFAULT_REGION").defaultValue("us-east-1")
      .description("AWS region of the bucket.").build();
  /** {@code storage.s3.endpoint}. */
  public static final ConfigKey ENDPOINT = ConfigKey.builder("endpoint", Type.URL).env("AWS_ENDPOINT_URL_S3")
      .description("Endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy) or a private endpoint; "
          + "default: AWS for the region.").build();
  /** {@code storage.s3.path-style-access}. */
  public static final ConfigKey PATH_STYLE = ConfigKey.builder("path-style-access", Type.BOOLEAN).defaultValue("false")
      .description("Address the bucket in the path (https://host/bucket/key) instead of the host name; "
          + "most S3-compatible stores need it.").build();
  /** {@code storage.s3.allow-insecure-http}. */
  public static final ConfigKey ALLOW_INSECURE_HTTP = ConfigKey.builder("allow-insecure-http", Type.BOOLEAN)
      .defaultValue("false")
      .description("Allow an http:// endpoint that is not loopback. TLS is required otherwise.").build();
  /** {@code storage.s3.access-key-id}. */
  public static final ConfigKey ACCESS_KEY_ID = ConfigKey.builder("access-key-id", Type.STRING)
      .description("Static access key id; without it the SDK's default chain is used (AWS_* variables, "
          + "profiles, web identity for EKS, instance roles).").build();
  /** {@code storage.s3.secret-access-key}. */
  public static final ConfigKey SECRET_ACCESS_KEY = ConfigKey.builder("secret-access-key", Type.STRING).secret()
      .description("Static secret access key, with access-key-id.").build();
  /** {@code storage.s3.session-token}. */
  public static final ConfigKey SESSION_TOKEN = ConfigKey.builder("session-token", Type.STRING).secret()
      .description("Session token of temporary static credentials.").build();
  /** {@code storage.s3.part-size}. */
  public static final ConfigKey PART_SIZE = ConfigKey.builder("part-size", Type.SIZE).defaultValue("8MiB")
      .range(5 * MIB, 5 * 1024 * MIB)
      .description("Size of multipart-upload parts; grows automatically so an object never needs more than "
          + "10,000 parts.").build();
  /** {@code storage.s3.max-concurrency}. */
  public static final ConfigKey MAX_CONCURRENCY = ConfigKey.builder("max-concurrency", Type.INT).defaultValue("4")
      .range(1, 64)
      .description("Parts uploaded at once per object; memory per upload is part-size x (max-concurrency + 1).")
      .build();
  /** {@code storage.s3.single-put-threshold}. */
  public static final ConfigKey SINGLE_PUT_THRESHOLD = ConfigKey.builder("single-put-threshold", Type.SIZE)
      .defaultValue("8MiB").range(0, 5 * 1024 * MIB)
      .description("Objects up to this size are written with one PutObject; larger ones as multipart uploads.")
      .build();
  /** {@code storage.s3.download-part-size}. */
  public static final ConfigKey DOWNLOAD_PART_SIZE = ConfigKey.builder("download-part-size", Type.SIZE)
      .defaultValue("8MiB").range(64 * 1024, 256 * MIB)
      .description("Size of each ranged GET: for reads of a bounded range, and to continue a read to the end "
          + "whose streaming GET broke off.").build();
  /** {@code storage.s3.download-concurrency}. */
  public static final ConfigKey DOWNLOAD_CONCURRENCY = ConfigKey.builder("download-concurrency", Type.INT)
      .defaultValue("2").range(1, 64)
      .description("Ranged GETs in flight per stream (read-ahead).").build();
  /** {@code storage.s3.max-retries}. */
  public static final ConfigKey MAX_RETRIES = ConfigKey.builder("max-retries", Type.INT).defaultValue("3")
      .range(0, 20)
      .description("Retries of a failed request (throttling such as SlowDown/503, 5xx, network errors), with "
          + "exponential backoff and jitter.").build();
  /** {@code storage.s3.connect-timeout}. */
  public static final ConfigKey CONNECT_TIMEOUT = ConfigKey.builder("connect-timeout", Type.DURATION)
      .defaultValue("30s").range(1, 3_600_000).description("Limit for opening a connection.").build();
  /** {@code storage.s3.operation-timeout}. */
  public static final ConfigKey OPERATION_TIMEOUT = ConfigKey.builder("operation-timeout", Type.DURATION)
      .defaultValue("5m").range(1, 86_400_000)
      .description("Limit for one service call with its retries (one part of a large upload).").build();
  /** {@code storage.s3.checksum}. */
  public static final ConfigKey CHECKSUM = ConfigKey.builder("checksum", Type.CHOICE).defaultValue("md5")
      .oneOf("md5", "sdk")
      .description("Integrity check of uploads: 'md5' sends a Content-MD5 with every request body (works with "
          + "every S3-compatible store); 'sdk' uses the SDK's flexible checksums (CRC32 trailers).").build();

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public S3BackendProvider() {
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Amazon S3 and S3-compatible object stores";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(BUCKET, REGION, ENDPOINT, PATH_STYLE, ALLOW_INSECURE_HTTP, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
        SESSION_TOKEN, PART_SIZE, MAX_CONCURRENCY, SINGLE_PUT_THRESHOLD, DOWNLOAD_PART_SIZE, DOWNLOAD_CONCURRENCY,
        MAX_RETRIES, CONNECT_TIMEOUT, OPERATION_TIMEOUT, CHECKSUM);
  }

  @Override
  public StorageBackend open(StorageConfig config) {
    return new S3Backend(S3Settings.from(config));
  }
}
