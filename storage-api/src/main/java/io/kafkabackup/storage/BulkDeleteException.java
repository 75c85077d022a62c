package io.kafkabackup.storage;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Some keys of a {@link StorageBackend#deleteAll bulk delete} could not be deleted; the others were.
 * {@link #failedKeys()} lists them so the caller can retry just those; the first failure is the cause
 * and later ones are attached as suppressed exceptions.
 */
public class BulkDeleteException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final transient List<ObjectKey> failedKeys;

  /**
   * Creates the error.
   *
   * @param failedKeys the keys that were not deleted, in request order
   * @param errors the failure of each of those keys, in the same order; not empty
   */
  public BulkDeleteException(List<ObjectKey> failedKeys, List<? extends Throwable> errors) {
    super("failed to delete " + failedKeys.size() + " keys, first "
        + failedKeys.stream().limit(5).map(k -> "'" + k + "'").collect(Collectors.joining(", "))
        + ": " + errors.get(0).getMessage(),
        errors.get(0),
        errors.stream().allMatch(e -> e instanceof StorageException && ((StorageException) e).isRetryable()));
    this.failedKeys = List.copyOf(failedKeys);
    errors.stream().skip(1).limit(100).forEach(this::addSuppressed);
  }

  /**
   * The keys that are still there.
   *
   * @return the keys, in request order
   */
  public List<ObjectKey> failedKeys() {
    return failedKeys;
  }
}
