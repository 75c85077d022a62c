package io.kafkabackup.storage.azure;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import java.util.List;

/**
 * Provides {@link AzureBlobBackend} as {@code storage.backend=azure}. Every setting is declared here,
 * so validation, secret masking and the configuration reference come from one place. Environment
 * variables follow the Azure SDK's names.
 */
public final class AzureBlobBackendProvider implements StorageBackendProvider {
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

  /** {@code storage.azure.block-size}. */
  public static final ConfigKey BLOCK_SIZE = ConfigKey.builder("block-size", Type.SIZE).defaultValue("8MiB")
      .range(64 * 1024, 4000 * MIB)
      .description("Size of staged blocks; grows automatically so a blob never needs more than 50,000 blocks.")
      .build();
  /** {@code storage.azure.max-concurrency}. */
  public static final ConfigKey MAX_CONCURRENCY = ConfigKey.builder("max-concurrency", Type.INT).defaultValue("4")
      .range(1, 64)
      .description("Blocks uploaded at once per object; memory per upload is block-size x (max-concurrency + 1).")
      .build();
  /** {@code storage.azure.single-put-threshold}. */
  public static final ConfigKey SINGLE_PUT_THRESHOLD = ConfigKey.builder("single-put-threshold", Type.SIZE)
      .defaultValue("8MiB").range(0, 5000 * MIB)
      .description("Objects up to this size are written with one Put Blob; larger ones as staged blocks.").build();
  /** {@code storage.azure.download-block-size}. */
  public static final ConfigKey DOWNLOAD_BLOCK_SIZE = ConfigKey.builder("download-block-size", Type.SIZE)
      .defaultValue("8MiB").range(64 * 1024, 256 * MIB)
      .description("Size of each ranged GET: for reads of a bounded range, and to continue a read to the end "
          + "whose streaming GET broke off.").build();
  /** {@code storage.azure.download-concurrency}. */
  public static final ConfigKey DOWNLOAD_CONCURRENCY = ConfigKey.builder("download-concurrency", Type.INT)
      .defaultValue("2").range(1, 64)
      .description("Ranged GETs in flight per stream (read-ahead); memory per stream is "
          + "download-block-size x (download-concurrency + 1).").build();
  /** {@code storage.azure.max-retries}. */
  public static final ConfigKey MAX_RETRIES = ConfigKey.builder("max-retries", Type.INT).defaultValue("3")
      .range(0, 20)
      .description("Retries of a failed request (429, 5xx, network errors), with exponential backoff and jitter; "
          + "Retry-After and x-ms-retry-after-ms are honoured.").build();
  /** {@code storage.azure.retry-initial-delay}. */
  public static final ConfigKey RETRY_INITIAL_DELAY = ConfigKey.builder("retry-initial-delay", Type.DURATION)
      .defaultValue("800ms").range(1, 3_600_000)
      .description("Delay before the first retry; doubled for each further retry.").build();
  /** {@code storage.azure.retry-max-delay}. */
  public static final ConfigKey RETRY_MAX_DELAY = ConfigKey.builder("retry-max-delay", Type.DURATION)
      .defaultValue("60s").range(1, 3_600_000)
      .description("Longest delay between retries.").build();
  /** {@code storage.azure.connect-timeout}. */
  public static final ConfigKey CONNECT_TIMEOUT = ConfigKey.builder("connect-timeout", Type.DURATION)
      .defaultValue("30s").range(1, 3_600_000)
      .description("Limit for opening a connection.").build();
  /** {@code storage.azure.operation-timeout}. */
  public static final ConfigKey OPERATION_TIMEOUT = ConfigKey.builder("operation-timeout", Type.DURATION)
      .defaultValue("5m").range(1, 86_400_000)
      .description("Limit for each wait on the service within a request: for the response to begin, and "
          + "between reads or writes of a body. A request that exceeds it is retried like a dropped connection.")
      .build();
  /** {@code storage.azure.create-container}. */
  public static final ConfigKey CREATE_CONTAINER = ConfigKey.builder("create-container", Type.BOOLEAN)
      .defaultValue("false")
      .description("Create the container when the backend opens, if it does not exist.").build();
  /** {@code storage.azure.service-version}. */
  public static final ConfigKey SERVICE_VERSION = ConfigKey.builder("service-version", Type.STRING)
      .description("Pin the Blob service REST version, e.g. 2025-11-05 (default: the SDK's newest).").build();

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public AzureBlobBackendProvider() {
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
    return List.of(ACCOUNT_NAME, CONTAINER, ENDPOINT, ENDPOINT_SUFFIX, ALLOW_INSECURE_HTTP,
        AUTH, ACCOUNT_KEY, SAS_TOKEN, CONNECTION_STRING, CLIENT_ID, TENANT_ID, AUTHORITY_HOST,
        FEDERATED_TOKEN_FILE, OIDC_TOKEN, CLIENT_SECRET,
        BLOCK_SIZE, MAX_CONCURRENCY, SINGLE_PUT_THRESHOLD, DOWNLOAD_BLOCK_SIZE, DOWNLOAD_CONCURRENCY,
        MAX_RETRIES, RETRY_INITIAL_DELAY, RETRY_MAX_DELAY, CONNECT_TIMEOUT, OPERATION_TIMEOUT,
        CREATE_CONTAINER, SERVICE_VERSION);
  }

  @Override
  public StorageBackend open(StorageConfig config) {
    return new AzureBlobBackend(AzureSettings.from(config));
  }
}
