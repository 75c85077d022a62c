package io.kafkabackup.storage.testkit;

import java.net.URI;
import java.util.Objects;

/**
 * How to reach a running Azurite: the blob endpoint, account and key. {@link #toString()} masks the key.
 */
public final class AzuriteEndpoint {
  private final String accountName;
  private final String accountKey;
  private final URI blobEndpoint;

  /**
   * Describes an endpoint.
   *
   * @param accountName the storage account, {@code devstoreaccount1} for Azurite
   * @param accountKey the account key (base64)
   * @param blobEndpoint the blob service URL including the account, such as
   *     {@code http://127.0.0.1:41234/devstoreaccount1}
   */
  public AzuriteEndpoint(String accountName, String accountKey, URI blobEndpoint) {
    this.accountName = Objects.requireNonNull(accountName, "accountName");
    this.accountKey = Objects.requireNonNull(accountKey, "accountKey");
    this.blobEndpoint = Objects.requireNonNull(blobEndpoint, "blobEndpoint");
  }

  /**
   * The account name.
   *
   * @return the account
   */
  public String accountName() {
    return accountName;
  }

  /**
   * The account key.
   *
   * @return the base64 key
   */
  public String accountKey() {
    return accountKey;
  }

  /**
   * The blob service URL, account included.
   *
   * @return the endpoint
   */
  public URI blobEndpoint() {
    return blobEndpoint;
  }

  /**
   * A connection string for the Azure SDK.
   *
   * @return {@code DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...;BlobEndpoint=...;}
   */
  public String connectionString() {
    return "DefaultEndpointsProtocol=" + blobEndpoint.getScheme() + ";AccountName=" + accountName
        + ";AccountKey=" + accountKey + ";BlobEndpoint=" + blobEndpoint + ";";
  }

  @Override
  public String toString() {
    return "AzuriteEndpoint{account=" + accountName + ", blobEndpoint=" + blobEndpoint + ", key=****}";
  }
}
