package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.S3Endpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens backends and raw SDK clients against S3Proxy for the tests of this module. */
final class S3TestSupport {
  private S3TestSupport() {
  }

  /** The configuration of a backend on S3Proxy, with 5 MiB parts so tests exercise multipart uploads. */
  static Map<String, String> config(S3Endpoint s3, String bucket, String... overrides) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.backend", "s3");
    c.put("storage.s3.endpoint", s3.endpoint().toString());
    c.put("storage.s3.region", s3.region());
    c.put("storage.s3.path-style-access", "true");
    c.put("storage.s3.access-key-id", s3.accessKeyId());
    c.put("storage.s3.secret-access-key", s3.secretAccessKey());
    c.put("storage.s3.bucket", bucket);
    c.put("storage.s3.part-size", "5MiB");
    c.put("storage.s3.single-put-threshold", "1MiB");
    c.put("storage.s3.download-part-size", "1MiB");
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        c.remove(overrides[i]);
      } else {
        c.put(overrides[i], overrides[i + 1]);
      }
    }
    return c;
  }

  static StorageBackend open(Map<String, String> config) {
    return StorageBackends.builder().config(config).environment(Map.of()).open();
  }

  static S3Client client(S3Endpoint s3) {
    return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region())).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKeyId(),
            s3.secretAccessKey())))
        .build();
  }

  /** A new bucket, through the raw SDK. */
  static String createBucket(S3Endpoint s3) {
    String bucket = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    try (S3Client client = client(s3)) {
      client.createBucket(b -> b.bucket(bucket));
    }
    return bucket;
  }
}
