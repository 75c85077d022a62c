package io.kafkabackup.storage.testkit;

import java.net.URI;
import java.util.Objects;

/**
 * How to reach a running S3-compatible server: endpoint, region and static credentials.
 * {@link #toString()} masks the secret.
 */
public final class S3Endpoint {
  private final URI endpoint;
  private final String accessKeyId;
  private final String secretAccessKey;

  /**
   * Describes an endpoint.
   *
   * @param endpoint the service URL, such as {@code http://127.0.0.1:41234}
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key
   */
  public S3Endpoint(URI endpoint, String accessKeyId, String secretAccessKey) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
  }

  /**
   * The service URL; address buckets in the path.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The access key id.
   *
   * @return the id
   */
  public String accessKeyId() {
    return accessKeyId;
  }

  /**
   * The secret access key.
   *
   * @return the secret
   */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  /**
   * The region to sign requests for.
   *
   * @return {@code us-east-1}
   */
  public String region() {
    return "us-east-1";
  }

  @Override
  public String toString() {
    return "S3Endpoint{endpoint=" + endpoint + ", accessKeyId=" + accessKeyId + ", secret=****}";
  }
}
