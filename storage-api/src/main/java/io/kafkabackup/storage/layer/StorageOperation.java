package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.StorageTimeoutException;
import io.kafkabackup.storage.ThrottledException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * One finished call to a backend, as {@link ObservedStorageBackend} reports it to its layer.
 *
 * @param backend the backend type, such as {@code azure}
 * @param operation the call: {@code put}, {@code write}, {@code get}, {@code stat}, {@code exists},
 *     {@code list}, {@code delete}, {@code delete_all} or {@code copy}
 * @param target the key, list prefix or key count the call was about
 * @param bytes bytes written or read (entries for {@code list}, keys for {@code delete_all})
 * @param duration how long the call took; for streams, from opening to closing
 * @param error the failure, or {@code null} on success
 */
public record StorageOperation(
    String backend, String operation, String target, long bytes, Duration duration, Throwable error) {

  /**
   * Validates the fields.
   *
   * @param backend the backend type
   * @param operation the call
   * @param target what it was about
   * @param bytes bytes moved
   * @param duration how long it took
   * @param error the failure, or {@code null}
   */
  public StorageOperation {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * The outcome as a low-cardinality tag value.
   *
   * @return {@code success}, {@code not_found}, {@code already_exists}, {@code precondition_failed},
   *     {@code invalid_range}, {@code authentication}, {@code permission_denied}, {@code throttled},
   *     {@code timeout}, {@code aborted} (a writer the caller aborted) or {@code error}
   */
  public String outcome() {
    if (error == null) {
      return "success";
    } else if (error instanceof ObjectNotFoundException) {
      return "not_found";
    } else if (error instanceof ObjectAlreadyExistsException) {
      return "already_exists";
    } else if (error instanceof PreconditionFailedException) {
      return "precondition_failed";
    } else if (error instanceof InvalidRangeException) {
      return "invalid_range";
    } else if (error instanceof AuthenticationException) {
      return "authentication";
    } else if (error instanceof PermissionDeniedException) {
      return "permission_denied";
    } else if (error instanceof ThrottledException) {
      return "throttled";
    } else if (error instanceof StorageTimeoutException) {
      return "timeout";
    } else if (error instanceof CancellationException) {
      return "aborted";
    }
    return "error";
  }

  /**
   * Whether the failure is one the caller expects as part of normal work (a missing object, a lost
   * create-only or if-match race, a writer the caller aborted) rather than a fault.
   *
   * @return {@code true} for expected outcomes
   */
  public boolean isExpectedOutcome() {
    return error == null || error instanceof ObjectNotFoundException
        || error instanceof ObjectAlreadyExistsException || error instanceof PreconditionFailedException
        || error instanceof CancellationException;
  }
}
