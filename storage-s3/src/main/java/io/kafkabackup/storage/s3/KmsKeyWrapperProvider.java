package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.WrappedKey;
import io.kafkabackup.storage.kit.TransportSecurity;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The {@code aws-kms} key-encryption provider: data keys are wrapped with KMS {@code Encrypt} under a
 * symmetric key and unwrapped with {@code Decrypt}, through the AWS SDK's KMS client and the same
 * credential chain as the S3 provider (static keys, or the default chain: environment, profiles, EKS web
 * identity, instance roles). The key may be named by id, ARN or alias; what is recorded beside each data
 * key is the ARN KMS reports, so that moving an alias to a new key (a rotation) leaves older data readable.
 * Every call carries the encryption context {@code kafka-backup=data-key}, which KMS binds to the
 * ciphertext and CloudTrail logs.
 */
public final class KmsKeyWrapperProvider implements KeyWrapperProvider {
  /** {@code storage.encryption.aws-kms.key-id}. */
  public static final ConfigKey KEY_ID = ConfigKey.builder("key-id", Type.STRING).required()
      .description("The KMS key that wraps new data keys: a key id, key ARN, alias name (alias/…) or alias ARN.")
      .build();
  /** {@code storage.encryption.aws-kms.region}. */
  public static final ConfigKey REGION = ConfigKey.builder("region", Type.STRING)
      .env("AWS_REGION", "AWS_DEFAULT_REGION").defaultValue("us-east-1")
      .description("AWS region of the key (an ARN's region wins for decryption by KMS itself).").build();
  /** {@code storage.encryption.aws-kms.endpoint}. */
  public static final ConfigKey ENDPOINT = ConfigKey.builder("endpoint", Type.URL).env("AWS_ENDPOINT_URL_KMS")
      .description("KMS endpoint: a VPC endpoint or a compatible service; default: AWS for the region.").build();
  /** {@code storage.encryption.aws-kms.allow-insecure-http}. */
  public static final ConfigKey ALLOW_INSECURE_HTTP = ConfigKey.builder("allow-insecure-http", Type.BOOLEAN)
      .defaultValue("false").description("Allow an http:// endpoint that is not loopback. TLS is required otherwise.")
      .build();
  /** {@code storage.encryption.aws-kms.access-key-id}. */
  public static final ConfigKey ACCESS_KEY_ID = ConfigKey.builder("access-key-id", Type.STRING)
      .description("Static access key id; without it the SDK's default chain is used.").build();
  /** {@code storage.encryption.aws-kms.secret-access-key}. */
  public static final ConfigKey SECRET_ACCESS_KEY = ConfigKey.builder("secret-access-key", Type.STRING).secret()
      .description("Static secret access key, with access-key-id.").build();
  /** {@code storage.encryption.aws-kms.session-token}. */
  public static final ConfigKey SESSION_TOKEN = ConfigKey.builder("session-token", Type.STRING).secret()
      .description("Session token of temporary static credentials.").build();
  /** {@code storage.encryption.aws-kms.request-timeout}. */
  public static final ConfigKey REQUEST_TIMEOUT = ConfigKey.builder("request-timeout", Type.DURATION)
      .defaultValue("10s").range(100, 600_000).description("The longest one KMS call may take, retries included.")
      .build();
  /** {@code storage.encryption.aws-kms.max-retries}. */
  public static final ConfigKey MAX_RETRIES = ConfigKey.builder("max-retries", Type.INT).defaultValue("3")
      .range(0, 20).description("Retries of a KMS call that failed for a transient reason.").build();

  static final String TYPE = "aws-kms";
  private static final Map<String, String> CONTEXT = Map.of("kafka-backup", "data-key");
  /** KMS errors that go away on their own: trying again (later) may succeed. */
  private static final Set<String> TRANSIENT = Set.of("KMSInternalException", "DependencyTimeoutException",
      "ThrottlingException", "LimitExceededException", "KeyUnavailableException");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public KmsKeyWrapperProvider() {
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "AWS KMS symmetric keys (Encrypt/Decrypt) through the AWS SDK";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(KEY_ID, REGION, ENDPOINT, ALLOW_INSECURE_HTTP, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN,
        REQUEST_TIMEOUT, MAX_RETRIES);
  }

  @Override
  public KeyWrapper open(StorageConfig config) {
    String accessKeyId = config.string(ACCESS_KEY_ID).orElse(null);
    String secret = config.string(SECRET_ACCESS_KEY).orElse(null);
    if ((accessKeyId == null) != (secret == null)) {
      throw config.invalid(accessKeyId == null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY,
          "access-key-id and secret-access-key go together");
    }
    Duration timeout = config.duration(REQUEST_TIMEOUT);
    KmsClientBuilder builder = KmsClient.builder()
        .region(Region.of(config.require(REGION, String.class)))
        .credentialsProvider(S3Backend.credentials(accessKeyId, secret, config.string(SESSION_TOKEN).orElse(null)))
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
        .overrideConfiguration(o -> o.apiCallTimeout(timeout)
            .retryStrategy(r -> r.maxAttempts(config.intValue(MAX_RETRIES) + 1)));
    URI endpoint = config.url(ENDPOINT).orElse(null);
    if (endpoint != null) {
      TransportSecurity.requireTls(endpoint, config.booleanValue(ALLOW_INSECURE_HTTP), config.fullName(ENDPOINT),
          config.fullName(ALLOW_INSECURE_HTTP));
      builder.endpointOverride(endpoint);
    }
    return new KmsKeyWrapper(config.require(KEY_ID, String.class).trim(), builder.build());
  }

  /** Encrypt and Decrypt against one KMS client. */
  private static final class KmsKeyWrapper implements KeyWrapper {
    private final String keyId;
    private final KmsClient kms;

    KmsKeyWrapper(String keyId, KmsClient kms) {
      this.keyId = keyId;
      this.kms = kms;
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public String currentKeyId() {
      return keyId;
    }

    @Override
    public WrappedKey wrap(byte[] dataKey) {
      try {
        EncryptResponse response = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(dataKey))
            .encryptionContext(CONTEXT));
        return new WrappedKey(response.keyId(), response.ciphertextBlob().asByteArray());
      } catch (KmsException | SdkClientException e) {
        throw unavailable(keyId, "wrap", e);
      }
    }

    @Override
    public byte[] unwrap(String wrappedBy, byte[] wrapped) {
      try {
        DecryptResponse response = kms.decrypt(r -> r.keyId(wrappedBy).ciphertextBlob(SdkBytes.fromByteArray(wrapped))
            .encryptionContext(CONTEXT));
        return response.plaintext().asByteArray();
      } catch (KmsException | SdkClientException e) {
        throw unavailable(wrappedBy, "unwrap", e);
      }
    }

    private static KeyUnavailableException unavailable(String keyId, String what, RuntimeException e) {
      if (e instanceof KmsException kms) {
        String code = kms.awsErrorDetails() == null ? "status " + kms.statusCode() : kms.awsErrorDetails().errorCode();
        String message = kms.awsErrorDetails() == null ? "" : kms.awsErrorDetails().errorMessage();
        boolean retryable = TRANSIENT.contains(code) || kms.statusCode() >= 500;
        return new KeyUnavailableException(keyId, "aws-kms key '" + keyId + "' cannot " + what + " a data key: " + code
            + (message == null || message.isEmpty() ? "" : " (" + message + ")"), null, retryable);
      }
      return new KeyUnavailableException(keyId, "aws-kms key '" + keyId + "' cannot " + what
          + " a data key: the KMS endpoint is unreachable (" + e.getMessage() + ")", null, true);
    }

    @Override
    public void close() {
      kms.close();
    }

    @Override
    public String toString() {
      return "KmsKeyWrapper[" + keyId + "]";
    }
  }
}
