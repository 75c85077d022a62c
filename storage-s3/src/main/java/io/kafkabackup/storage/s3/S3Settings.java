package io.kafkabackup.storage.s3;

import static io.kafkabackup.storage.s3.S3BackendProvider.*;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.kit.TransferKeys.Transfer;
import io.kafkabackup.storage.spi.RequestRecorder;
import io.kafkabackup.storage.spi.StorageConfig;
import java.net.URI;
import java.util.Locale;

/**
 * The typed settings of one S3 backend, read once from the validated configuration.
 *
 * @param config the configuration, for errors
 * @param prefix the key prefix
 * @param bucket the bucket
 * @param region the region
 * @param endpoint the endpoint override, or {@code null}
 * @param pathStyle whether to address the bucket in the path
 * @param allowInsecureHttp whether a non-loopback http:// endpoint is allowed
 * @param accessKeyId the static access key id, or {@code null} for the default chain
 * @param secretAccessKey the static secret, or {@code null}
 * @param sessionToken the session token, or {@code null}
 * @param transfer the shared transfer, retry and timeout settings
 * @param checksum the integrity check each request body carries
 * @param requestRecorder where requests are recorded, or {@code null}
 */
record S3Settings(
    StorageConfig config, KeyPrefix prefix, String bucket, String region, URI endpoint, boolean pathStyle,
    boolean allowInsecureHttp, String accessKeyId, String secretAccessKey, String sessionToken, Transfer transfer,
    Checksum checksum, RequestRecorder requestRecorder) {

  /** {@code storage.s3.checksum}: who computes the checksum the store verifies, and which one. */
  enum Checksum {
    /** Content-MD5, computed here. */
    MD5,
    /** x-amz-checksum-crc32c, computed here before the request is sent (a header, no trailer). */
    CRC32C,
    /** Whatever the SDK's defaults compute. */
    SDK
  }

  @Override
  public String toString() {
    return "S3Settings{bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint + ", prefix=" + prefix + "}";
  }

  /** {@code auto}: CRC32C where the store is AWS S3 itself, MD5 where it may be any S3-compatible store. */
  private static Checksum checksum(StorageConfig c) {
    String chosen = c.string(CHECKSUM).orElseThrow();
    if (chosen.equals("auto")) {
      return c.has(ENDPOINT) ? Checksum.MD5 : Checksum.CRC32C;
    }
    return Checksum.valueOf(chosen.toUpperCase(Locale.ROOT));
  }

  static S3Settings from(StorageConfig c) {
    String bucket = c.string(BUCKET).orElseThrow();
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw c.invalid(BUCKET, "'" + bucket + "' is not a bucket name (3-63 lower-case letters, digits, '.' and '-')");
    }
    boolean hasKey = c.has(ACCESS_KEY_ID);
    if (hasKey != c.has(SECRET_ACCESS_KEY)) {
      throw c.invalid(hasKey ? SECRET_ACCESS_KEY : ACCESS_KEY_ID, "access-key-id and secret-access-key go together");
    }
    if (c.has(SESSION_TOKEN) && !hasKey) {
      throw c.invalid(ACCESS_KEY_ID, "a session token needs access-key-id and secret-access-key");
    }
    return new S3Settings(c, c.prefix(), bucket, c.string(REGION).orElseThrow(), c.url(ENDPOINT).orElse(null),
        c.booleanValue(PATH_STYLE), c.booleanValue(ALLOW_INSECURE_HTTP), c.string(ACCESS_KEY_ID).orElse(null),
        c.string(SECRET_ACCESS_KEY).orElse(null), c.string(SESSION_TOKEN).orElse(null), TRANSFER.read(c), checksum(c),
        c.requestRecorder().orElse(null));
  }
}
