package io.kafkabackup.storage.azure;

import static io.kafkabackup.storage.kit.ProviderErrors.findCause;
import static io.kafkabackup.storage.kit.ProviderErrors.firstLine;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.StorageTimeoutException;
import io.kafkabackup.storage.ThrottledException;
import io.kafkabackup.storage.kit.ProviderErrors.RedactedCause;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamException;

/**
 * Turns Azure SDK failures into the library's typed errors. Messages carry the HTTP status, the
 * service's error code, its request id and our client request id, so a failure can be traced in the
 * storage account's logs. The SDK's own exception is never attached as it is, since its message repeats
 * the request (URL query, signatures); the cause is a copy with a redacted message and the same stack.
 */
final class AzureErrors {
  static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("x-ms-request-id");
  private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");
  private static final Pattern SECRETS = Pattern.compile(
      "(?i)(sig=)[^&\\s\"']+|(SharedKey [^:\\s]+:)[^\\s\"']+|(Bearer )[^\\s\"']+|eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]*");

  private AzureErrors() {
  }

  static String redact(String text) {
    if (text == null) {
      return null;
    }
    return SECRETS.matcher(text).replaceAll(m -> {
      for (int g = 1; g <= 3; g++) {
        if (m.group(g) != null) {
          return java.util.regex.Matcher.quoteReplacement(m.group(g) + "REDACTED");
        }
      }
      return "REDACTED";
    });
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
      return fromService(service, what, container);
    }
    ClientAuthenticationException auth = findCause(e, ClientAuthenticationException.class);
    if (auth != null) {
      return new AuthenticationException(what + " failed: the credential could not get a token: "
          + redact(firstLine(auth.getMessage())), new RedactedCause(auth, redact(firstLine(auth.getMessage()))));
    }
    Throwable identity = identityFailure(e);
    if (identity != null) {
      // MSAL, under azure-identity, reports a refused token request (wrong secret or assertion) itself.
      return new AuthenticationException(what + " failed: the credential could not get a token: "
          + redact(firstLine(identity.getMessage())), new RedactedCause(identity, redact(firstLine(identity.getMessage()))));
    }
    AuthenticationException ours = findCause(e, AuthenticationException.class);
    if (ours != null) {
      return ours;
    }
    if (findCause(e, TimeoutException.class) != null || String.valueOf(e.getMessage()).contains("Timeout on blocking read")) {
      return new StorageTimeoutException(what + " timed out: " + redact(firstLine(e.getMessage())),
          new RedactedCause(e, redact(firstLine(e.getMessage()))));
    }
    if (findCause(e, InterruptedIOException.class) != null || findCause(e, InterruptedException.class) != null) {
      return new StorageException(what + " was interrupted", new RedactedCause(e, "interrupted"), true);
    }
    if (findCause(e, XMLStreamException.class) != null) {
      // The SDK wraps a parse failure in an IOException, but it is the client's: no retry can help.
      return new StorageException(what + " failed: the response could not be parsed: "
          + redact(firstLine(rootMessage(e))), new RedactedCause(e, redact(firstLine(rootMessage(e)))), false);
    }
    if (findCause(e, IOException.class) != null || e instanceof UncheckedIOException) {
      return new StorageException(what + " failed with a network error: " + redact(firstLine(rootMessage(e))),
          new RedactedCause(e, redact(firstLine(rootMessage(e)))), true);
    }
    return new StorageException(what + " failed: " + redact(firstLine(e.toString())),
        new RedactedCause(e, redact(firstLine(String.valueOf(e.getMessage())))), false);
  }

  private static StorageException fromService(BlobStorageException e, String what, String container) {
    int status = e.getStatusCode();
    String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
    HttpResponse response = e.getResponse();
    String requestId = response == null ? null : response.getHeaderValue(REQUEST_ID);
    String clientRequestId = response == null || response.getRequest() == null ? null
        : response.getRequest().getHeaders().getValue(HttpHeaderName.X_MS_CLIENT_REQUEST_ID);
    String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + " (request id " + requestId
        + ", client request id " + clientRequestId + ")";
    RedactedCause cause = new RedactedCause(e, detail);
    if (code.equals("AuthenticationFailed") || code.equals("InvalidAuthenticationInfo")
        || code.equals("NoAuthenticationInformation")) {
      // The service answers 400 or 403 with these, depending on what was wrong with the credentials.
      return new AuthenticationException(what + " failed: the service rejected the credentials: " + detail, cause);
    }
    switch (status) {
      case 404:
        if ("ContainerNotFound".equals(code)) {
          return new InvalidConfigurationException("storage.azure.container", what + " failed: container '"
              + container + "' does not exist; create it or set storage.azure.create-container=true: " + detail,
              cause);
        }
        return new ObjectNotFoundException(what + " failed: not found: " + detail, cause);
      case 409:
        if ("BlobAlreadyExists".equals(code)) {
          return new ObjectAlreadyExistsException(what + " failed: the object already exists: " + detail, cause);
        }
        return new StorageException(what + " failed: conflict: " + detail, cause, false);
      case 412:
        return new PreconditionFailedException(what + " failed: the object's etag no longer matches: " + detail, cause);
      case 416:
        return new InvalidRangeException(what + " failed: the range starts beyond the end of the object: " + detail,
            cause);
      case 401:
        return new AuthenticationException(what + " failed: authentication required: " + detail, cause);
      case 403:
        // Azurite reports a bad signature as AuthorizationFailure; the service's message tells them apart.
        if (code.startsWith("Authentication") || code.equals("InvalidAuthenticationInfo")
            || code.equals("NoAuthenticationInformation") || code.isEmpty()
            || String.valueOf(e.getMessage()).contains("Server failed to authenticate the request")) {
          return new AuthenticationException(what + " failed: the service rejected the credentials: " + detail,
              cause);
        }
        return new PermissionDeniedException(what + " failed: permission denied: " + detail, cause);
      case 429:
      case 503:
        return new ThrottledException(what + " was throttled after all retries: " + detail, cause, retryAfter(response));
      default:
        return new StorageException(what + " failed: " + detail, cause, status >= 500 || status == 408);
    }
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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

}
