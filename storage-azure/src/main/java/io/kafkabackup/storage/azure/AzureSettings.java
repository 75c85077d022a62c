package io.kafkabackup.storage.azure;

import static io.kafkabackup.storage.azure.AzureBackendProvider.*;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.kit.TransferKeys.Transfer;
import io.kafkabackup.storage.spi.RequestRecorder;
import io.kafkabackup.storage.spi.StorageConfig;
import java.net.URI;

/**
 * The typed settings of one Azure backend, read once from the validated configuration.
 *
 * @param config the configuration, for credentials and error messages
 * @param prefix the key prefix
 * @param accountName the storage account, or {@code null} when a connection string names it
 * @param container the container
 * @param endpoint the blob service URL, or {@code null} to take it from the connection string
 * @param allowInsecureHttp whether a non-loopback http:// endpoint is allowed
 * @param transfer the shared transfer, retry and timeout settings
 * @param createContainer whether to create the container on open
 * @param serviceVersion the pinned REST version, or {@code null}
 * @param requestRecorder where requests are recorded, or {@code null}
 */
record AzureSettings(
    StorageConfig config, KeyPrefix prefix, String accountName, String container, URI endpoint,
    boolean allowInsecureHttp, Transfer transfer, boolean createContainer,
    String serviceVersion, RequestRecorder requestRecorder) {

  static AzureSettings from(StorageConfig c) {
    String account = c.string(ACCOUNT_NAME).orElse(null);
    URI endpoint = c.url(ENDPOINT).orElse(null);
    if (endpoint == null && !c.has(CONNECTION_STRING)) {
      if (account == null) {
        throw c.invalid(ACCOUNT_NAME, "is required (or set AZURE_STORAGE_ACCOUNT, "
            + c.fullName(ENDPOINT) + " or " + c.fullName(CONNECTION_STRING) + ")");
      }
      if (!account.matches("[a-z0-9]{3,24}")) {
        throw c.invalid(ACCOUNT_NAME, "'" + account + "' is not a storage account name (3-24 lower-case letters and digits)");
      }
      endpoint = URI.create("https://" + account + ".blob." + c.string(ENDPOINT_SUFFIX).orElseThrow());
    }
    String container = c.string(CONTAINER).orElseThrow();
    if (!container.matches("\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
      throw c.invalid(CONTAINER, "'" + container + "' is not a container name (3-63 lower-case letters, digits "
          + "and single hyphens, starting and ending with a letter or digit)");
    }
    return new AzureSettings(c, c.prefix(), account, container, endpoint, c.booleanValue(ALLOW_INSECURE_HTTP),
        TRANSFER.read(c), c.booleanValue(CREATE_CONTAINER), c.string(SERVICE_VERSION).orElse(null), c.requestRecorder().orElse(null));
  }
}
