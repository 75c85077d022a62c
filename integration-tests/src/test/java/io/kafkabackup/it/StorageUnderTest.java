package io.kafkabackup.it;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.AzuriteEndpoint;
import io.kafkabackup.storage.testkit.S3Endpoint;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The storage configurations the end-to-end tests run against: each a real server on loopback. */
final class StorageUnderTest {
  private StorageUnderTest() {
  }

  static Map<String, String> filesystem(Path root) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.backend", "filesystem");
    c.put("storage.filesystem.root", root.toString());
    return c;
  }

  static Map<String, String> azure(AzuriteEndpoint azurite) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.backend", "azure");
    c.put("storage.azure.account-name", azurite.accountName());
    c.put("storage.azure.account-key", azurite.accountKey());
    c.put("storage.azure.endpoint", azurite.blobEndpoint().toString());
    c.put("storage.azure.container", "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    c.put("storage.azure.create-container", "true");
    c.put("storage.azure.part-size", "1MiB");
    c.put("storage.azure.retry-initial-delay", "50ms");
    return c;
  }

  static Map<String, String> s3(S3Endpoint s3) {
    String bucket = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (S3Client client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region()))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKeyId(),
            s3.secretAccessKey())))
        .build()) {
      client.createBucket(b -> b.bucket(bucket));
    }
    Map<String, String> c = new HashMap<>();
    c.put("storage.backend", "s3");
    c.put("storage.s3.endpoint", s3.endpoint().toString());
    c.put("storage.s3.region", s3.region());
    c.put("storage.s3.path-style-access", "true");
    c.put("storage.s3.access-key-id", s3.accessKeyId());
    c.put("storage.s3.secret-access-key", s3.secretAccessKey());
    c.put("storage.s3.bucket", bucket);
    c.put("storage.s3.part-size", "5MiB");
    return c;
  }

  /**
   * Every object the configured store holds, read without this project's code: the file system's files,
   * or the S3 and Azure SDKs' own clients, as someone with a stolen copy (or read access) would read them.
   *
   * @return object names (relative to the root, bucket or container) and their stored bytes
   */
  static Map<String, byte[]> rawObjects(Map<String, String> config) throws IOException {
    Map<String, byte[]> objects = new TreeMap<>();
    switch (config.get("storage.backend")) {
      case "filesystem" -> {
        Path root = Path.of(config.get("storage.filesystem.root"));
        try (Stream<Path> files = Files.walk(root)) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            objects.put(root.relativize(file).toString().replace(File.separatorChar, '/'), Files.readAllBytes(file));
          }
        }
      }
      case "s3" -> {
        try (S3Client client = S3Client.builder().endpointOverride(URI.create(config.get("storage.s3.endpoint")))
            .region(Region.of(config.get("storage.s3.region"))).forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                config.get("storage.s3.access-key-id"), config.get("storage.s3.secret-access-key"))))
            .build()) {
          String bucket = config.get("storage.s3.bucket");
          client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> objects.put(o.key(),
              client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray()));
        }
      }
      case "azure" -> {
        BlobContainerClient container = new BlobServiceClientBuilder().endpoint(config.get("storage.azure.endpoint"))
            .credential(new StorageSharedKeyCredential(config.get("storage.azure.account-name"),
                config.get("storage.azure.account-key")))
            .buildClient().getBlobContainerClient(config.get("storage.azure.container"));
        container.listBlobs().forEach(b -> objects.put(b.getName(),
            container.getBlobClient(b.getName()).downloadContent().toBytes()));
      }
      default -> throw new IllegalArgumentException(config.get("storage.backend"));
    }
    return objects;
  }

  static StorageBackend open(Map<String, String> config) {
    return StorageBackends.builder().config(config).environment(Map.of()).open();
  }
}
