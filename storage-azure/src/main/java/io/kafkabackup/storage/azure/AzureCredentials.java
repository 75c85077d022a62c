package io.kafkabackup.storage.azure;

import static io.kafkabackup.storage.azure.AzureBackendProvider.ACCOUNT_KEY;
import static io.kafkabackup.storage.azure.AzureBackendProvider.AUTH;
import static io.kafkabackup.storage.azure.AzureBackendProvider.AUTHORITY_HOST;
import static io.kafkabackup.storage.azure.AzureBackendProvider.CLIENT_ID;
import static io.kafkabackup.storage.azure.AzureBackendProvider.CLIENT_SECRET;
import static io.kafkabackup.storage.azure.AzureBackendProvider.CONNECTION_STRING;
import static io.kafkabackup.storage.azure.AzureBackendProvider.FEDERATED_TOKEN_FILE;
import static io.kafkabackup.storage.azure.AzureBackendProvider.OIDC_TOKEN;
import static io.kafkabackup.storage.azure.AzureBackendProvider.SAS_TOKEN;
import static io.kafkabackup.storage.azure.AzureBackendProvider.TENANT_ID;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientAssertionCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.StorageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Chooses the credential a backend authenticates with, once, when it opens. Without an explicit
 * {@code storage.azure.auth}, the first method whose inputs are present wins, in this order: account
 * key, SAS token, connection string, workload identity (a federated token file with client and tenant
 * ids), pre-fetched OIDC token, client secret, and finally the SDK's default chain. Secrets are read
 * from the validated configuration and never logged; the choice itself is logged once by the backend.
 *
 * <p>With an explicit authority host (a sovereign or private cloud, or a test stand-in), instance
 * discovery is switched off: the identity library would otherwise ask the public cloud's discovery
 * endpoint about a host it does not know.
 */
final class AzureCredentials {

  /** The credential methods, in automatic priority order after {@link #AUTO}. */
  enum Method {
    AUTO, ACCOUNT_KEY, SAS, CONNECTION_STRING, WORKLOAD_IDENTITY, OIDC_TOKEN, CLIENT_SECRET, DEFAULT;

    String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String[] choices() {
      return Arrays.stream(values()).map(Method::configName).toArray(String[]::new);
    }

    static Method of(String configName) {
      return valueOf(configName.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /**
   * The chosen credential.
   *
   * @param method how the backend authenticates
   * @param description what to log: the method, client id and tenant, never a secret
   * @param apply installs the credential on a client builder
   */
  record Selection(Method method, String description, Consumer<BlobServiceClientBuilder> apply) {
  }

  private AzureCredentials() {
  }

  static Selection select(StorageConfig config, String accountName) {
    Method forced = Method.of(config.string(AUTH).orElse("auto"));
    if (forced != Method.AUTO) {
      List<ConfigKey> missing = missingInputs(forced, config, accountName);
      if (!missing.isEmpty()) {
        throw new InvalidConfigurationException(config.fullName(missing.get(0)), config.fullName(AUTH) + "="
            + forced.configName() + " needs " + missing.stream().map(k -> describe(config, k))
            .collect(Collectors.joining(", ")));
      }
      return build(forced, config, accountName);
    }
    for (Method m : Method.values()) {
      if (m != Method.AUTO && m != Method.DEFAULT && missingInputs(m, config, accountName).isEmpty()) {
        return build(m, config, accountName);
      }
    }
    return build(Method.DEFAULT, config, accountName);
  }

  private static String describe(StorageConfig config, ConfigKey key) {
    return config.fullName(key) + (key.envVars().isEmpty() ? "" : " (or " + String.join("/", key.envVars()) + ")");
  }

  private static List<ConfigKey> missingInputs(Method m, StorageConfig config, String accountName) {
    List<ConfigKey> required = new ArrayList<>();
    switch (m) {
      case ACCOUNT_KEY:
        required.add(ACCOUNT_KEY);
        if (accountName == null) {
          required.add(AzureBackendProvider.ACCOUNT_NAME);
        }
        break;
      case SAS:
        required.add(SAS_TOKEN);
        break;
      case CONNECTION_STRING:
        required.add(CONNECTION_STRING);
        break;
      case WORKLOAD_IDENTITY:
        required.addAll(List.of(FEDERATED_TOKEN_FILE, CLIENT_ID, TENANT_ID));
        break;
      case OIDC_TOKEN:
        required.addAll(List.of(OIDC_TOKEN, CLIENT_ID, TENANT_ID));
        break;
      case CLIENT_SECRET:
        required.addAll(List.of(CLIENT_SECRET, CLIENT_ID, TENANT_ID));
        break;
      default:
        break;
    }
    required.removeIf(k -> k == AzureBackendProvider.ACCOUNT_NAME ? accountName != null : config.has(k));
    return required;
  }

  private static Selection build(Method m, StorageConfig config, String accountName) {
    switch (m) {
      case ACCOUNT_KEY: {
        String accountKey = config.string(ACCOUNT_KEY).orElseThrow().trim();
        requireBase64(config.fullName(ACCOUNT_KEY), accountKey, "an account key");
        StorageSharedKeyCredential key = new StorageSharedKeyCredential(accountName, accountKey);
        return new Selection(m, "method=account-key account=" + accountName, b -> b.credential(key));
      }
      case SAS: {
        String sas = config.string(SAS_TOKEN).orElseThrow().trim();
        requireSas(config.fullName(SAS_TOKEN), sas);
        AzureSasCredential credential = new AzureSasCredential(sas.startsWith("?") ? sas.substring(1) : sas);
        return new Selection(m, "method=sas", b -> b.credential(credential));
      }
      case CONNECTION_STRING: {
        String cs = config.string(CONNECTION_STRING).orElseThrow();
        checkConnectionString(config.fullName(CONNECTION_STRING), cs);
        return new Selection(m, "method=connection-string", b -> b.connectionString(cs));
      }
      default: {
        TokenCredential credential = token(m, config);
        Method method = m == Method.AUTO ? Method.DEFAULT : m;
        return new Selection(method, describe(method, config), b -> b.credential(credential));
      }
    }
  }

  /** The Entra ID methods: the ones that yield a bearer token, as Key Vault needs. */
  static final List<Method> TOKEN_METHODS = List.of(Method.WORKLOAD_IDENTITY, Method.OIDC_TOKEN, Method.CLIENT_SECRET,
      Method.DEFAULT);

  /**
   * Chooses an Entra ID token credential from the same keys as the storage's ({@code auth}, {@code client-id},
   * {@code tenant-id}, {@code authority-host}, {@code federated-token-file}, {@code oidc-token},
   * {@code client-secret}, declared under another section): the Key Vault provider's.
   *
   * @param config a configuration declaring those keys
   * @return the method chosen, its description (no secret) and the credential
   */
  static TokenSelection selectToken(StorageConfig config) {
    Method forced = Method.of(config.string(AUTH).orElse("auto"));
    Method chosen = forced;
    if (forced == Method.AUTO) {
      chosen = TOKEN_METHODS.stream().filter(m -> m != Method.DEFAULT && missingInputs(m, config, null).isEmpty())
          .findFirst().orElse(Method.DEFAULT);
    } else {
      List<ConfigKey> missing = missingInputs(forced, config, null);
      if (!missing.isEmpty()) {
        throw new InvalidConfigurationException(config.fullName(missing.get(0)), config.fullName(AUTH) + "="
            + forced.configName() + " needs " + missing.stream().map(k -> describe(config, k))
            .collect(Collectors.joining(", ")));
      }
    }
    return new TokenSelection(chosen, describe(chosen, config), token(chosen, config));
  }

  /**
   * A chosen token credential.
   *
   * @param method how it authenticates
   * @param description what to log: the method, client id and tenant, never a secret
   * @param credential the credential
   */
  record TokenSelection(Method method, String description, TokenCredential credential) {
  }

  private static String describe(Method m, StorageConfig config) {
    String identity = " client_id=" + config.string(CLIENT_ID).orElse(null) + " tenant_id="
        + config.string(TENANT_ID).orElse(null);
    return "method=" + (m == Method.DEFAULT ? "default-chain" : m.configName()) + identity
        + (m == Method.WORKLOAD_IDENTITY ? " token_file=" + config.path(FEDERATED_TOKEN_FILE).orElseThrow() : "");
  }

  /** The bearer-token credential of an Entra ID method. */
  private static TokenCredential token(Method m, StorageConfig config) {
    String clientId = config.string(CLIENT_ID).orElse(null);
    String tenantId = config.string(TENANT_ID).orElse(null);
    String authority = config.url(AUTHORITY_HOST).map(URI::toString).orElse(null);
    switch (m) {
      case WORKLOAD_IDENTITY: {
        Path tokenFile = config.path(FEDERATED_TOKEN_FILE).orElseThrow();
        // AKS rotates the projected token: read it for every token request, keep it in memory only.
        return assertionCredential(clientId, tenantId, authority, () -> readToken(tokenFile));
      }
      case OIDC_TOKEN: {
        String token = config.string(OIDC_TOKEN).orElseThrow().trim();
        return assertionCredential(clientId, tenantId, authority, () -> token);
      }
      case CLIENT_SECRET: {
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().clientId(clientId)
            .tenantId(tenantId).clientSecret(config.string(CLIENT_SECRET).orElseThrow());
        if (authority != null) {
          builder.authorityHost(authority).disableInstanceDiscovery();
        }
        return builder.build();
      }
      default: {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        if (clientId != null) {
          builder.managedIdentityClientId(clientId).workloadIdentityClientId(clientId);
        }
        if (tenantId != null) {
          builder.tenantId(tenantId);
        }
        if (authority != null) {
          builder.authorityHost(authority).disableInstanceDiscovery();
        }
        return builder.build();
      }
    }
  }

  /**
   * A malformed secret is a configuration error at open, naming the key but never showing the value:
   * sent as is, the SDK fails only on the first request, after its retries, with a plain runtime error.
   */
  private static void requireBase64(String key, String value, String what) {
    try {
      if (value.isEmpty() || Base64.getDecoder().decode(value).length == 0) {
        throw new IllegalArgumentException("empty");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(key, key + ": not " + what + " (expected Base64; the value is not shown)");
    }
  }

  private static void requireSas(String key, String sas) {
    String query = sas.startsWith("?") ? sas.substring(1) : sas;
    boolean signed = false;
    boolean versioned = false;
    for (String part : query.split("&")) {
      signed |= part.startsWith("sig=") && part.length() > 4;
      versioned |= part.startsWith("sv=") && part.length() > 3;
    }
    if (!signed || !versioned) {
      throw new InvalidConfigurationException(key, key + ": not a shared access signature (expected a query string "
          + "with sv= and sig=; the value is not shown)");
    }
  }

  private static void checkConnectionString(String key, String connectionString) {
    for (String part : connectionString.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new InvalidConfigurationException(key, key + ": not a connection string (expected Name=value pairs "
            + "separated by ';'; the value is not shown)");
      }
      String name = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (name.equalsIgnoreCase("AccountKey")) {
        requireBase64(key, value, "a connection string with a valid AccountKey");
      } else if (name.equalsIgnoreCase("SharedAccessSignature")) {
        requireSas(key, value);
      }
    }
  }

  private static TokenCredential assertionCredential(String clientId, String tenantId, String authority,
      Supplier<String> assertion) {
    ClientAssertionCredentialBuilder builder = new ClientAssertionCredentialBuilder().clientId(clientId)
        .tenantId(tenantId).clientAssertion(assertion);
    if (authority != null) {
      builder.authorityHost(authority).disableInstanceDiscovery();
    }
    return builder.build();
  }

  private static String readToken(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new AuthenticationException("cannot read the federated token file " + file + ": " + e.getMessage(),
          new UncheckedIOException(e.getMessage(), e));
    }
  }
}
