package io.kafkabackup.storage.s3;

import static io.kafkabackup.storage.kit.ProviderErrors.findCause;

import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.ProviderErrors;
import io.kafkabackup.storage.kit.ProviderErrors.ClientFailure;
import io.kafkabackup.storage.kit.ProviderErrors.Container;
import io.kafkabackup.storage.kit.ProviderErrors.Meaning;
import io.kafkabackup.storage.kit.ProviderErrors.ServiceFailure;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Set;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Classifies AWS SDK failures for the kit's one mapping ({@link ProviderErrors}): what S3's error codes
 * mean, and which client-side failure an SDK exception is. Messages carry the HTTP status, the S3 error
 * code and both request ids.
 */
final class S3Errors {
  private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
      "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidSecurity");

  private S3Errors() {
  }

  /**
   * Translates a failure.
   *
   * @param e what the SDK threw
   * @param operation what we were doing
   * @param key the object key or prefix involved
   * @param bucket the bucket, for bucket-level errors
   * @param mode the write mode of a write, or {@code null}
   */
  static StorageException translate(Throwable e, String operation, String key, String bucket, WriteMode mode) {
    if (e instanceof StorageException) {
      return (StorageException) e;
    }
    String what = operation + " '" + key + "'";
    S3Exception s3 = findCause(e, S3Exception.class);
    if (s3 != null) {
      return ProviderErrors.forService(what, classify(s3), s3, mode,
          new Container("storage.s3.bucket", "bucket '" + bucket + "' does not exist"));
    }
    return ProviderErrors.forClient(what, clientFailure(e), e);
  }

  private static ServiceFailure classify(S3Exception s3) {
    int status = s3.statusCode();
    String code = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null
        ? s3.awsErrorDetails().errorCode() : "";
    String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + " (request id " + s3.requestId()
        + ", extended request id " + s3.extendedRequestId() + ")";
    Meaning meaning = Meaning.NONE;
    if ("NoSuchBucket".equals(code)) {
      meaning = Meaning.CONTAINER_NOT_FOUND;
    } else if (status == 403 && BAD_CREDENTIALS.contains(code)) {
      meaning = Meaning.BAD_CREDENTIALS;
    } else if (status == 409 && "ConditionalRequestConflict".equals(code)) {
      meaning = Meaning.CONDITION_CONFLICT;
    }
    return new ServiceFailure(status, meaning, detail, null);
  }

  private static ClientFailure clientFailure(Throwable e) {
    if (findCause(e, ApiCallTimeoutException.class) != null || findCause(e, ApiCallAttemptTimeoutException.class) != null
        || findCause(e, SocketTimeoutException.class) != null) {
      return ClientFailure.TIMEOUT;
    }
    if (findCause(e, AbortedException.class) != null || findCause(e, InterruptedException.class) != null) {
      return ClientFailure.INTERRUPTED;
    }
    if (e instanceof SdkClientException && e.getMessage() != null && e.getMessage().contains("credentials")) {
      return ClientFailure.CREDENTIALS;
    }
    if (findCause(e, IOException.class) != null) {
      return ClientFailure.NETWORK;
    }
    // Failed in the client itself, with no network or service fault behind it (a response it cannot parse,
    // a request it cannot build): the SDK's standard strategy does not retry these either.
    if (e instanceof SdkClientException && findCause(e, RetryableException.class) == null) {
      return ClientFailure.CLIENT;
    }
    return ClientFailure.OTHER;
  }
}
