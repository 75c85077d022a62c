package io.kafkabackup.storage.azure;

import static io.kafkabackup.storage.kit.ProviderErrors.findCause;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.kit.ProviderErrors;
import io.kafkabackup.storage.kit.ProviderErrors.ClientFailure;
import io.kafkabackup.storage.kit.ProviderErrors.Container;
import io.kafkabackup.storage.kit.ProviderErrors.Meaning;
import io.kafkabackup.storage.kit.ProviderErrors.ServiceFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.xml.stream.XMLStreamException;

/**
 * Classifies Azure SDK failures for the kit's one mapping ({@link ProviderErrors}): what the Blob
 * service's error codes mean, and which client-side failure an SDK exception is. Messages carry the HTTP
 * status, the service's error code, its request id and our client request id, so a failure can be traced
 * in the storage account's logs.
 */
final class AzureErrors {
  static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("x-ms-request-id");
  private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");
  private static final Set<String> BAD_CREDENTIALS = Set.of("AuthenticationFailed", "InvalidAuthenticationInfo",
      "NoAuthenticationInformation");

  private AzureErrors() {
  }

  /**
   * Translates a failure of one operation.
   *
   * @param e what the SDK threw
   * @param operation what we were doing, such as "put"
   * @param key the object key (or list prefix) involved
   * @param container the container name, for container-level errors
   */
  static StorageException translate(Throwable e, String operation, String key, String container) {
    if (e instanceof StorageException) {
      return (StorageException) e;
    }
    String what = operation + " '" + key + "'";
    BlobStorageException service = findCause(e, BlobStorageException.class);
    if (service != null) {
      return ProviderErrors.forService(what, classify(service), service, null, new Container(
          "storage.azure.container", "container '" + container + "' does not exist; create it or set "
          + "storage.azure.create-container=true"));
    }
    AuthenticationException ours = findCause(e, AuthenticationException.class);
    if (ours != null && findCause(e, ClientAuthenticationException.class) == null && identityFailure(e) == null) {
      return ours;
    }
    return ProviderErrors.forClient(what, clientFailure(e), e);
  }

  private static ClientFailure clientFailure(Throwable e) {
    if (findCause(e, ClientAuthenticationException.class) != null || identityFailure(e) != null) {
      // MSAL, under azure-identity, reports a refused token request (wrong secret or assertion) itself.
      return ClientFailure.CREDENTIALS;
    }
    if (findCause(e, TimeoutException.class) != null || String.valueOf(e.getMessage()).contains("Timeout on blocking read")) {
      return ClientFailure.TIMEOUT;
    }
    if (findCause(e, InterruptedIOException.class) != null || findCause(e, InterruptedException.class) != null) {
      return ClientFailure.INTERRUPTED;
    }
    if (findCause(e, XMLStreamException.class) != null) {
      // The SDK wraps a parse failure in an IOException, but it is the client's: no retry can help.
      return ClientFailure.UNPARSEABLE;
    }
    if (findCause(e, IOException.class) != null || e instanceof UncheckedIOException) {
      return ClientFailure.NETWORK;
    }
    return ClientFailure.OTHER;
  }

  private static ServiceFailure classify(BlobStorageException e) {
    int status = e.getStatusCode();
    String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
    HttpResponse response = e.getResponse();
    String requestId = response == null ? null : response.getHeaderValue(REQUEST_ID);
    String clientRequestId = response == null || response.getRequest() == null ? null
        : response.getRequest().getHeaders().getValue(HttpHeaderName.X_MS_CLIENT_REQUEST_ID);
    String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + " (request id " + requestId
        + ", client request id " + clientRequestId + ")";
    Meaning meaning = Meaning.NONE;
    // The service answers 400 or 403 with these, depending on what was wrong with the credentials; Azurite
    // reports a bad signature as 403 AuthorizationFailure, which only the message tells apart.
    if (BAD_CREDENTIALS.contains(code) || status == 403 && (code.startsWith("Authentication") || code.isEmpty()
        || String.valueOf(e.getMessage()).contains("Server failed to authenticate the request"))) {
      meaning = Meaning.BAD_CREDENTIALS;
    } else if (status == 404 && "ContainerNotFound".equals(code)) {
      meaning = Meaning.CONTAINER_NOT_FOUND;
    } else if (status == 409 && "BlobAlreadyExists".equals(code)) {
      meaning = Meaning.ALREADY_EXISTS;
    }
    return new ServiceFailure(status, meaning, detail, retryAfter(response));
  }

  private static Throwable identityFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("com.microsoft.aad.msal4j.Msal")) {
        return t;
      }
    }
    return null;
  }

  static Duration retryAfter(HttpResponse response) {
    if (response == null) {
      return null;
    }
    try {
      String ms = response.getHeaderValue(RETRY_AFTER_MS);
      if (ms != null) {
        return Duration.ofMillis(Long.parseLong(ms.trim()));
      }
      String seconds = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
      if (seconds != null) {
        return Duration.ofSeconds(Long.parseLong(seconds.trim()));
      }
    } catch (NumberFormatException e) {
      return null; // an HTTP date: not worth parsing for a hint
    }
    return null;
  }
}
