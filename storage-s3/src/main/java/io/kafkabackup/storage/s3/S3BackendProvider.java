package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.kit.TransferKeys;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.util.List;
import java.util.stream.Stream;

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
  /** The transfer, retry and timeout keys every object store shares ({@code part-size}, {@code request-timeout}, …). */
  public static final TransferKeys TRANSFER = new TransferKeys(S3Writer.LIMITS, 5 * MIB, 5 * 1024 * MIB, "multipart part");

  /** {@code storage.s3.checksum}. */
  public static final ConfigKey CHECKSUM = ConfigKey.builder("checksum", Type.CHOICE).defaultValue("auto")
      .oneOf("auto", "md5", "crc32c", "sdk")
      .description("Integrity check of uploads, verified by the store on every request body: 'md5' sends a "
          + "Content-MD5 (every S3-compatible store checks it); 'crc32c' sends an x-amz-checksum-crc32c header "
          + "computed before the request (AWS S3 and stores with flexible checksums; far cheaper in CPU than "
          + "MD5); 'sdk' leaves it to the SDK's defaults (CRC32 in an aws-chunked trailer); 'auto' is crc32c on "
          + "AWS S3 (no endpoint set) and md5 on any other endpoint.").build();

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
    return Stream.concat(Stream.of(BUCKET, REGION, ENDPOINT, PATH_STYLE, ALLOW_INSECURE_HTTP, ACCESS_KEY_ID,
        SECRET_ACCESS_KEY, SESSION_TOKEN, CHECKSUM), TRANSFER.keys().stream()).toList();
  }

  @Override
  public StorageBackend open(StorageConfig config) {
    return new S3Backend(S3Settings.from(config));
  }
}
