package io.kafkabackup.storage.s3;

import static io.kafkabackup.storage.kit.ProviderErrors.findCause;
import static io.kafkabackup.storage.kit.ProviderErrors.firstLine;

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
import io.kafkabackup.storage.kit.ProviderErrors.RedactedCause;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK failures into the library's typed errors, with the HTTP status, S3 error code and both
 * request ids in the message. SDK exceptions are not attached as they are (their messages can repeat
 * request details); the cause is a copy with the same stack and a summary message.
 */
final class S3Errors {
  private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
      "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidSecurity");

  private S3Errors() {
  }

  /**
   * Whether a failure happened in the client itself, with no network or service fault behind it: a
   * response it cannot parse, a request it cannot build. Trying again cannot help, so such failures are
   * not reported as retryable (the SDK's standard strategy does not retry them either).
   */
  private static boolean clientSide(Throwable failure) {
    return failure instanceof SdkClientException && findCause(failure, IOException.class) == null
        && findCause(failure, ApiCallAttemptTimeoutException.class) == null
        && findCause(failure, RetryableException.class) == null;
  }

  /**
   * Translates a failure.
   *
   * @param e what the SDK threw
   * @param operation what we were doing
   * @param key the object key or prefix involved
   * @param bucket the bucket, for bucket-level errors
   * @param mode the write mode of a write, or {@code null}: a failed condition of a create-only write means
   *     the key is taken
   */
  static StorageException translate(Throwable e, String operation, String key, String bucket, WriteMode mode) {
    if (e instanceof StorageException) {
      return (StorageException) e;
    }
    String what = operation + " '" + key + "'";
    S3Exception s3 = findCause(e, S3Exception.class);
    if (s3 != null) {
      int status = s3.statusCode();
      String code = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null
          ? s3.awsErrorDetails().errorCode() : "";
      String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + " (request id " + s3.requestId()
          + ", extended request id " + s3.extendedRequestId() + ")";
      RedactedCause cause = new RedactedCause(s3, detail);
      if ("NoSuchBucket".equals(code)) {
        return new InvalidConfigurationException("storage.s3.bucket", what + " failed: bucket '" + bucket
            + "' does not exist: " + detail, cause);
      }
      if ((status == 412 || status == 409 && "ConditionalRequestConflict".equals(code))
          && mode instanceof WriteMode.CreateOnly) {
        return new ObjectAlreadyExistsException(what + " failed: the object already exists: " + detail, cause);
      }
      if (status == 404 && mode instanceof WriteMode.IfMatch) {
        // S3 answers If-Match on a missing key with 404 NoSuchKey.
        return new PreconditionFailedException(what + " failed: the object does not exist: " + detail, cause);
      }
      switch (status) {
        case 404:
          return new ObjectNotFoundException(what + " failed: not found: " + detail, cause);
        case 409:
          if ("ConditionalRequestConflict".equals(code)) {
            return new PreconditionFailedException(what + " failed: a concurrent write won: " + detail, cause);
          }
          return new StorageException(what + " failed: conflict: " + detail, cause, false);
        case 412:
          return new PreconditionFailedException(what + " failed: the object's etag no longer matches: " + detail,
              cause);
        case 416:
          return new InvalidRangeException(what + " failed: the range starts beyond the end of the object: "
              + detail, cause);
        case 401:
          return new AuthenticationException(what + " failed: authentication required: " + detail, cause);
        case 403:
          if (BAD_CREDENTIALS.contains(code)) {
            return new AuthenticationException(what + " failed: the service rejected the credentials: " + detail,
                cause);
          }
          return new PermissionDeniedException(what + " failed: permission denied: " + detail, cause);
        case 429:
        case 503:
          return new ThrottledException(what + " was throttled after all retries: " + detail, cause, null);
        default:
          return new StorageException(what + " failed: " + detail, cause, status >= 500 || status == 408);
      }
    }
    if (findCause(e, ApiCallTimeoutException.class) != null || findCause(e, ApiCallAttemptTimeoutException.class) != null) {
      return new StorageTimeoutException(what + " timed out: " + e.getMessage(), new RedactedCause(e, "timeout"));
    }
    if (findCause(e, AbortedException.class) != null || findCause(e, InterruptedException.class) != null) {
      return new StorageException(what + " was interrupted", new RedactedCause(e, "interrupted"), true);
    }
    if (e instanceof SdkClientException && e.getMessage() != null && e.getMessage().contains("credentials")) {
      return new AuthenticationException(what + " failed: no credentials: " + firstLine(e.getMessage()),
          new RedactedCause(e, firstLine(e.getMessage())));
    }
    if (findCause(e, IOException.class) != null) {
      return new StorageException(what + " failed with a network error: " + firstLine(e.getMessage()),
          new RedactedCause(e, firstLine(e.getMessage())), true);
    }
    if (clientSide(e)) {
      return new StorageException(what + " failed in the client: " + firstLine(e.getMessage()),
          new RedactedCause(e, firstLine(e.getMessage())), false);
    }
    return new StorageException(what + " failed: " + firstLine(e.toString()),
        new RedactedCause(e, firstLine(String.valueOf(e.getMessage()))), false);
  }

}
