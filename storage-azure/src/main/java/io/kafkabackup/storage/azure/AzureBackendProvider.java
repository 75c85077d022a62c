package io.kafkabackup.storage.azure;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.kit.TransferKeys;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.util.List;
import java.util.stream.Stream;

/**
 * Provides {@link AzureBackend} as {@code storage.backend=azure}. Every setting is declared here,
 * so validation, secret masking and the configuration reference come from one place. Environment
 * variables follow the Azure SDK's names.
 */
public final class AzureBackendProvider implements StorageBackendProvider {
  /** The provider type. */
  public static final String TYPE = "azure";

  private static final long MIB = 1024 * 1024;

  /** {@code storage.azure.account-name}. */
  public static final ConfigKey ACCOUNT_NAME = ConfigKey.builder("account-name", Type.STRING)
      .env("AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCOUNT_NAME")
      .description("Storage account name; required unless a connection string names it.").build();
  /** {@code storage.azure.container}. */
  public static final ConfigKey CONTAINER = ConfigKey.builder("container", Type.STRING).required()
      .description("Blob container that holds the objects.").build();
  /** {@code storage.azure.endpoint}. */
  public static final ConfigKey ENDPOINT = ConfigKey.builder("endpoint", Type.URL)
      .env("AZURE_STORAGE_BLOB_ENDPOINT")
      .description("Blob service URL: a sovereign cloud, a private endpoint or Azurite "
          + "(http://127.0.0.1:10000/devstoreaccount1). Default https://{account}.blob.{endpoint-suffix}.").build();
  /** {@code storage.azure.endpoint-suffix}. */
  public static final ConfigKey ENDPOINT_SUFFIX = ConfigKey.builder("endpoint-suffix", Type.STRING)
      .defaultValue("core.windows.net")
      .description("DNS suffix of the default endpoint, e.g. core.usgovcloudapi.net or core.chinacloudapi.cn.").build();
  /** {@code storage.azure.allow-insecure-http}. */
  public static final ConfigKey ALLOW_INSECURE_HTTP = ConfigKey.builder("allow-insecure-http", Type.BOOLEAN)
      .defaultValue("false")
      .description("Allow an http:// endpoint that is not loopback. TLS is required otherwise.").build();

  /** {@code storage.azure.auth}. */
  public static final ConfigKey AUTH = ConfigKey.builder("auth", Type.CHOICE).defaultValue("auto")
      .oneOf(AzureCredentials.Method.choices())
      .description("Credential to use; 'auto' takes the first available in the documented priority order.").build();
  /** {@code storage.azure.account-key}. */
  public static final ConfigKey ACCOUNT_KEY = ConfigKey.builder("account-key", Type.STRING).secret()
      .env("AZURE_STORAGE_KEY")
      .description("Storage account key (shared key).").build();
  /** {@code storage.azure.sas-token}. */
  public static final ConfigKey SAS_TOKEN = ConfigKey.builder("sas-token", Type.STRING).secret()
      .env("AZURE_STORAGE_SAS_TOKEN")
      .description("Shared access signature for the account or container.").build();
  /** {@code storage.azure.connection-string}. */
  public static final ConfigKey CONNECTION_STRING = ConfigKey.builder("connection-string", Type.STRING).secret()
      .env("AZURE_STORAGE_CONNECTION_STRING")
      .description("Storage connection string (account, key or SAS, endpoints).").build();
  /** {@code storage.azure.client-id}. */
  public static final ConfigKey CLIENT_ID = ConfigKey.builder("client-id", Type.STRING).env("AZURE_CLIENT_ID")
      .description("Entra ID application (client) id for workload identity, OIDC token or client secret.").build();
  /** {@code storage.azure.tenant-id}. */
  public static final ConfigKey TENANT_ID = ConfigKey.builder("tenant-id", Type.STRING).env("AZURE_TENANT_ID")
      .description("Entra ID tenant id.").build();
  /** {@code storage.azure.authority-host}. */
  public static final ConfigKey AUTHORITY_HOST = ConfigKey.builder("authority-host", Type.URL)
      .env("AZURE_AUTHORITY_HOST")
      .description("Entra ID authority, default https://login.microsoftonline.com/.").build();
  /** {@code storage.azure.federated-token-file}. */
  public static final ConfigKey FEDERATED_TOKEN_FILE = ConfigKey.builder("federated-token-file", Type.PATH)
      .env("AZURE_FEDERATED_TOKEN_FILE")
      .description("Projected service-account token of AKS workload identity; re-read for every token request.")
      .build();
  /** {@code storage.azure.oidc-token}. */
  public static final ConfigKey OIDC_TOKEN = ConfigKey.builder("oidc-token", Type.STRING).secret()
      .env("AZURE_OIDC_TOKEN", "PLUGIN_AZURE_OIDC_TOKEN")
      .description("Pre-fetched OIDC token used as client assertion (e.g. from a CI system); never refreshed here.")
      .build();
  /** {@code storage.azure.client-secret}. */
  public static final ConfigKey CLIENT_SECRET = ConfigKey.builder("client-secret", Type.STRING).secret()
      .env("AZURE_CLIENT_SECRET")
      .description("Service principal client secret.").build();

  /**
   * The transfer, retry and timeout keys every object store shares ({@code part-size},
   * {@code request-timeout}, …). Block sizes of up to 4000 MiB need service version 2019-12-12 or later.
   */
  public static final TransferKeys TRANSFER = new TransferKeys(AzureWriter.LIMITS, 64 * 1024, 5000 * MIB, "block");

  /** {@code storage.azure.create-container}. */
  public static final ConfigKey CREATE_CONTAINER = ConfigKey.builder("create-container", Type.BOOLEAN)
      .defaultValue("false")
      .description("Create the container when the backend opens, if it does not exist.").build();
  /** {@code storage.azure.service-version}. */
  public static final ConfigKey SERVICE_VERSION = ConfigKey.builder("service-version", Type.STRING)
      .description("Pin the Blob service REST version, e.g. 2025-11-05 (default: the SDK's newest).").build();

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public AzureBackendProvider() {
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Azure Blob Storage (block blobs)";
  }

  @Override
  public List<ConfigKey> configKeys() {
    return Stream.concat(Stream.of(ACCOUNT_NAME, CONTAINER, ENDPOINT, ENDPOINT_SUFFIX, ALLOW_INSECURE_HTTP,
        AUTH, ACCOUNT_KEY, SAS_TOKEN, CONNECTION_STRING, CLIENT_ID, TENANT_ID, AUTHORITY_HOST,
        FEDERATED_TOKEN_FILE, OIDC_TOKEN, CLIENT_SECRET, CREATE_CONTAINER, SERVICE_VERSION),
        TRANSFER.keys().stream()).toList();
  }

  @Override
  public StorageBackend open(StorageConfig config) {
    return new AzureBackend(AzureSettings.from(config));
  }
}
