package io.kafkabackup.storage.kit;

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
import io.kafkabackup.storage.WriteMode;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one translation of an object store's failures into the library's typed errors, shared by every
 * HTTP provider so that the same status means the same exception everywhere. A provider only classifies:
 * what its service's error codes mean ({@link ServiceFailure}), or what kind of client-side failure its
 * SDK threw ({@link ClientFailure}); messages, retryability and exception types are decided here.
 *
 * <p>SDK exceptions are never attached as they are: their messages can repeat URLs with signatures or
 * headers. The cause is a {@link RedactedCause} with the original class name, a redacted message and the
 * original stack.
 */
public final class ProviderErrors {
  private static final Pattern SECRETS = Pattern.compile("(?i)(sig=|X-Amz-Signature=|X-Amz-Security-Token=)"
      + "[^&\\s\"']+|(SharedKey [^:\\s]+:)[^\\s\"']+|(Bearer )[^\\s\"']+|eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]*");

  private ProviderErrors() {
  }

  /** What a service error code means, as far as the mapping needs to know; the provider decides. */
  public enum Meaning {
    /** The credentials were not accepted (a bad signature, an unknown key, an expired token). */
    BAD_CREDENTIALS,
    /** The container or bucket of the configuration does not exist. */
    CONTAINER_NOT_FOUND,
    /** A create-only write found the key taken. */
    ALREADY_EXISTS,
    /** A concurrent conditional write won. */
    CONDITION_CONFLICT,
    /** Nothing beyond the HTTP status. */
    NONE
  }

  /**
   * A failed answer of the service, classified by the provider.
   *
   * @param status the HTTP status
   * @param meaning what the service's error code means
   * @param detail status, error code and request ids for the message, such as
   *     {@code HTTP 404 BlobNotFound (request id …)}; must hold no secret
   * @param retryAfter the service's retry hint, or {@code null}
   */
  public record ServiceFailure(int status, Meaning meaning, String detail, Duration retryAfter) {
    /**
     * Validates the fields.
     *
     * @param status the HTTP status
     * @param meaning what the error code means
     * @param detail the message detail
     * @param retryAfter the retry hint, or {@code null}
     */
    public ServiceFailure {
      Objects.requireNonNull(meaning, "meaning");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * The container or bucket a backend is configured with, for the error when it does not exist.
   *
   * @param configKey the full configuration key that names it, such as {@code storage.s3.bucket}
   * @param description what to say, such as {@code bucket 'b' does not exist}
   */
  public record Container(String configKey, String description) {
  }

  /** A failure without an answer from the service, classified by the provider. */
  public enum ClientFailure {
    /** A configured time limit ran out. */
    TIMEOUT,
    /** The calling thread was interrupted or the call cancelled. */
    INTERRUPTED,
    /** The credential could not produce a token or key (refused by the identity service, none found). */
    CREDENTIALS,
    /** An answer came but could not be parsed: the client's fault, trying again cannot help. */
    UNPARSEABLE,
    /** The connection failed, was reset or broke off. */
    NETWORK,
    /** A request the client could not build or send for another reason of its own. */
    CLIENT,
    /** Anything else. */
    OTHER
  }

  /**
   * Translates a failed answer.
   *
   * @param what the operation and key, such as {@code put 'a/b'}
   * @param failure the classified answer
   * @param cause what the SDK threw
   * @param mode the write mode of a write, or {@code null}: a failed condition of a create-only write
   *     means the key is taken, a missing key under {@code If-Match} a failed precondition
   * @param container the configured container, for {@link Meaning#CONTAINER_NOT_FOUND}
   * @return the typed error
   */
  public static StorageException forService(String what, ServiceFailure failure, Throwable cause, WriteMode mode,
      Container container) {
    String detail = failure.detail();
    RedactedCause redacted = new RedactedCause(cause, detail);
    int status = failure.status();
    switch (failure.meaning()) {
      case BAD_CREDENTIALS:
        return new AuthenticationException(what + " failed: the service rejected the credentials: " + detail,
            redacted);
      case CONTAINER_NOT_FOUND:
        return new InvalidConfigurationException(container.configKey(),
            what + " failed: " + container.description() + ": " + detail, redacted);
      case ALREADY_EXISTS:
        return new ObjectAlreadyExistsException(what + " failed: the object already exists: " + detail, redacted);
      default:
        break;
    }
    if (mode instanceof WriteMode.CreateOnly && (status == 412 || failure.meaning() == Meaning.CONDITION_CONFLICT)) {
      return new ObjectAlreadyExistsException(what + " failed: the object already exists: " + detail, redacted);
    }
    if (mode instanceof WriteMode.IfMatch && status == 404) {
      return new PreconditionFailedException(what + " failed: the object does not exist: " + detail, redacted);
    }
    switch (status) {
      case 404:
        return new ObjectNotFoundException(what + " failed: not found: " + detail, redacted);
      case 409:
        if (failure.meaning() == Meaning.CONDITION_CONFLICT) {
          return new PreconditionFailedException(what + " failed: a concurrent write won: " + detail, redacted);
        }
        return new StorageException(what + " failed: conflict: " + detail, redacted, false);
      case 412:
        return new PreconditionFailedException(what + " failed: the object's etag no longer matches: " + detail,
            redacted);
      case 416:
        return new InvalidRangeException(what + " failed: the range starts beyond the end of the object: " + detail,
            redacted);
      case 401:
        return new AuthenticationException(what + " failed: authentication required: " + detail, redacted);
      case 403:
        return new PermissionDeniedException(what + " failed: permission denied: " + detail, redacted);
      case 429:
      case 503:
        return new ThrottledException(what + " was throttled after all retries: " + detail, redacted,
            failure.retryAfter());
      default:
        return new StorageException(what + " failed: " + detail, redacted, isServerFault(status));
    }
  }

  /**
   * Translates a failure that came without an answer from the service.
   *
   * @param what the operation and key, such as {@code get 'a/b'}
   * @param kind what the provider recognised
   * @param cause what the SDK threw
   * @return the typed error; retryable for timeouts, interruptions and network errors
   */
  public static StorageException forClient(String what, ClientFailure kind, Throwable cause) {
    String message = redact(firstLine(kind == ClientFailure.OTHER ? cause.toString() : rootMessage(cause)));
    RedactedCause redacted = new RedactedCause(cause, message);
    switch (kind) {
      case TIMEOUT:
        return new StorageTimeoutException(what + " timed out: " + message, redacted);
      case INTERRUPTED:
        return new StorageException(what + " was interrupted", new RedactedCause(cause, "interrupted"), true);
      case CREDENTIALS:
        return new AuthenticationException(what + " failed: the credential could not get a token: " + message,
            redacted);
      case UNPARSEABLE:
        return new StorageException(what + " failed: the response could not be parsed: " + message, redacted,
            false);
      case NETWORK:
        return new StorageException(what + " failed with a network error: " + message, redacted, true);
      case CLIENT:
        return new StorageException(what + " failed in the client: " + message, redacted, false);
      default:
        return new StorageException(what + " failed: " + message, redacted, false);
    }
  }

  /**
   * Whether a status is the service's fault or a timeout, so that the request may succeed if sent again.
   *
   * @param status an HTTP status
   * @return {@code true} for 408 and 5xx
   */
  public static boolean isServerFault(int status) {
    return status >= 500 || status == 408;
  }

  /**
   * Masks what could be a secret in a message: SAS and presigned-URL signatures, security tokens,
   * shared-key and bearer authorisation values, JWTs.
   *
   * @param text a message, possibly {@code null}
   * @return the text with secrets replaced by {@code REDACTED}
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    return SECRETS.matcher(text).replaceAll(m -> {
      for (int g = 1; g <= 3; g++) {
        if (m.group(g) != null) {
          return Matcher.quoteReplacement(m.group(g) + "REDACTED");
        }
      }
      return "REDACTED";
    });
  }

  /**
   * A stand-in for an SDK exception: the original class name, a message the provider chose, and the
   * original stack trace.
   */
  public static final class RedactedCause extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the stand-in.
     *
     * @param original the SDK exception
     * @param message a message free of secrets
     */
    public RedactedCause(Throwable original, String message) {
      super(original.getClass().getName() + ": " + message);
      setStackTrace(original.getStackTrace());
    }
  }

  /**
   * The first exception of a type in a cause chain.
   *
   * @param e the exception
   * @param type the type to look for
   * @param <T> the type
   * @return the match, or {@code null}
   */
  public static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The first line of a message, at most 300 characters.
   *
   * @param s a message, possibly {@code null}
   * @return the line, or the empty string
   */
  public static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
