package io.kafkabackup.storage.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.keys.cryptography.models.WrapResult;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.WrappedKey;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code azure-key-vault} key-encryption provider: data keys are wrapped with {@code RSA-OAEP-256} by
 * a Key Vault or Managed HSM RSA key, through the Azure SDK's {@code CryptographyClient}, with every
 * operation on the service (the private key never leaves it; local caching of the public key is off so
 * each wrap is logged by the vault). It authenticates with Entra ID like the Azure storage provider:
 * workload identity, an OIDC token, a client secret or the default chain, with the same key names under
 * {@code storage.encryption.azure-key-vault.}. The key may be configured without a version (its current
 * version wraps); what is recorded beside each data key is the versioned key id the vault returns, so a
 * key rotation in the vault leaves older data readable.
 */
public final class KeyVaultKeyWrapperProvider implements KeyWrapperProvider {
  /** {@code storage.encryption.azure-key-vault.key-id}. */
  public static final ConfigKey KEY_ID = ConfigKey.builder("key-id", Type.URL).required()
      .description("The key identifier, https://{vault}.vault.azure.net/keys/{name}[/{version}] (or a Managed HSM's); "
          + "without a version the key's current version wraps new data keys.").build();
  /** {@code storage.encryption.azure-key-vault.auth}. */
  public static final ConfigKey AUTH = ConfigKey.builder("auth", Type.CHOICE).defaultValue("auto")
      .oneOf("auto", "workload-identity", "oidc-token", "client-secret", "default")
      .description("Entra ID credential; 'auto' takes the first available: workload identity, OIDC token, client "
          + "secret, then the default chain (managed identity, Azure CLI, …).").build();
  /** {@code storage.encryption.azure-key-vault.request-timeout}. */
  public static final ConfigKey REQUEST_TIMEOUT = ConfigKey.builder("request-timeout", Type.DURATION)
      .defaultValue("10s").range(100, 600_000).description("The longest one wait on the vault may take.").build();
  /** {@code storage.encryption.azure-key-vault.max-retries}. */
  public static final ConfigKey MAX_RETRIES = ConfigKey.builder("max-retries", Type.INT).defaultValue("3")
      .range(0, 20).description("Retries of a call that failed for a transient reason.").build();
  /** {@code storage.encryption.azure-key-vault.disable-challenge-resource-verification}. */
  public static final ConfigKey DISABLE_CHALLENGE_VERIFICATION =
      ConfigKey.builder("disable-challenge-resource-verification", Type.BOOLEAN).defaultValue("false")
      .description("Accept a vault whose host is not under the token resource's domain (a private or sovereign "
          + "endpoint with its own host name). Leave off for *.vault.azure.net.").build();

  static final String TYPE = "azure-key-vault";
  private static final Logger LOG = LoggerFactory.getLogger(KeyVaultKeyWrapperProvider.class);
  private static final Pattern KEY_PATH = Pattern.compile("/keys/[A-Za-z0-9-]{1,127}(/[A-Za-z0-9]{1,64})?/?");

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public KeyVaultKeyWrapperProvider() {
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Azure Key Vault or Managed HSM RSA keys (wrapKey/unwrapKey, RSA-OAEP-256) through the Azure SDK";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(KEY_ID, AUTH, AzureBackendProvider.CLIENT_ID, AzureBackendProvider.TENANT_ID,
        AzureBackendProvider.AUTHORITY_HOST, AzureBackendProvider.FEDERATED_TOKEN_FILE, AzureBackendProvider.OIDC_TOKEN,
        AzureBackendProvider.CLIENT_SECRET, REQUEST_TIMEOUT, MAX_RETRIES, DISABLE_CHALLENGE_VERIFICATION);
  }

  @Override
  public KeyWrapper open(StorageConfig config) {
    URI keyId = config.require(KEY_ID, URI.class);
    if (!"https".equals(keyId.getScheme()) || !KEY_PATH.matcher(keyId.getPath()).matches()) {
      throw config.invalid(KEY_ID, "'" + keyId + "' is not a key identifier such as "
          + "https://my-vault.vault.azure.net/keys/backup-kek (Key Vault is HTTPS only)");
    }
    AzureCredentials.TokenSelection credential = AzureCredentials.selectToken(config);
    Duration timeout = config.duration(REQUEST_TIMEOUT);
    Settings settings = new Settings(credential.credential(), timeout, config.intValue(MAX_RETRIES),
        config.booleanValue(DISABLE_CHALLENGE_VERIFICATION));
    LOG.atInfo().addKeyValue("key", keyId).log("Key Vault key-encryption key opened; credentials: {}",
        credential.description());
    return new KeyVaultKeyWrapper(strip(keyId.toString()), settings);
  }

  private static String strip(String id) {
    return id.endsWith("/") ? id.substring(0, id.length() - 1) : id;
  }

  /** How every client of one wrapper is built. */
  private record Settings(TokenCredential credential, Duration timeout, int maxRetries, boolean skipChallengeCheck) {
    CryptographyClient client(String keyId) {
      CryptographyClientBuilder builder = new CryptographyClientBuilder().keyIdentifier(keyId).credential(credential)
          .disableKeyCaching()
          .clientOptions(new HttpClientOptions().setConnectTimeout(timeout).setResponseTimeout(timeout)
              .setReadTimeout(timeout))
          .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(maxRetries)
              .setBaseDelay(Duration.ofMillis(200)).setMaxDelay(Duration.ofSeconds(5))));
      if (skipChallengeCheck) {
        builder.disableChallengeResourceVerification();
      }
      return builder.buildClient();
    }
  }

  /** One client per key id (the configured one wraps; each recorded version unwraps its own). */
  private static final class KeyVaultKeyWrapper implements KeyWrapper {
    private final String keyId;
    private final Settings settings;
    private final Map<String, CryptographyClient> clients = new ConcurrentHashMap<>();

    KeyVaultKeyWrapper(String keyId, Settings settings) {
      this.keyId = keyId;
      this.settings = settings;
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
        WrapResult result = client(keyId).wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dataKey);
        return new WrappedKey(strip(result.getKeyId()), result.getEncryptedKey());
      } catch (RuntimeException e) {
        throw unavailable(keyId, "wrap", e);
      }
    }

    @Override
    public byte[] unwrap(String wrappedBy, byte[] wrapped) {
      try {
        return client(wrappedBy).unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped).getKey();
      } catch (RuntimeException e) {
        throw unavailable(wrappedBy, "unwrap", e);
      }
    }

    private CryptographyClient client(String id) {
      return clients.computeIfAbsent(id, settings::client);
    }

    private static KeyUnavailableException unavailable(String keyId, String what, RuntimeException e) {
      if (e instanceof HttpResponseException http && http.getResponse() != null) {
        int status = http.getResponse().getStatusCode();
        String detail = http.getMessage() == null ? "" : http.getMessage().lines().findFirst().orElse("");
        return new KeyUnavailableException(keyId, "azure-key-vault key '" + keyId + "' cannot " + what
            + " a data key: HTTP " + status + " " + detail, null, status == 429 || status >= 500);
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      boolean authentication = isAuthenticationFailure(e);
      return new KeyUnavailableException(keyId, "azure-key-vault key '" + keyId + "' cannot " + what + " a data key: "
          + (authentication ? "authentication failed (" : "the vault is unreachable (") + reason + ")", null,
          !authentication);
    }

    /** Entra ID refused the credential (MSAL's or the identity library's errors anywhere in the causes). */
    private static boolean isAuthenticationFailure(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        String name = t.getClass().getName();
        if (name.startsWith("com.microsoft.aad.msal4j.") || name.endsWith("ClientAuthenticationException")
            || name.endsWith("CredentialUnavailableException")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() {
      // The SDK's clients hold no resource of their own beyond the shared HTTP client.
    }

    @Override
    public String toString() {
      return "KeyVaultKeyWrapper[" + keyId + "]";
    }
  }
}
