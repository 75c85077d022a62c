package io.kafkabackup.storage;

import java.util.Objects;

/**
 * What a write requires of the object already at its key. Every mode is atomic: the check and the
 * write happen as one step on the server (or under a lock on the filesystem), so concurrent writers
 * never both pass a check.
 */
public sealed interface WriteMode {

  /**
   * Replace whatever is there (the default).
   *
   * @return the overwrite mode
   */
  static WriteMode overwrite() {
    return Overwrite.INSTANCE;
  }

  /**
   * Write only if no object exists at the key; else fail with {@link ObjectAlreadyExistsException}.
   * Use it for segments and for claiming a name: exactly one of several concurrent writers wins.
   *
   * @return the create-only mode
   */
  static WriteMode createOnly() {
    return CreateOnly.INSTANCE;
  }

  /**
   * Write only if the object at the key has this etag; else fail with
   * {@link PreconditionFailedException}. Use it for optimistic updates of manifests and checkpoints.
   *
   * @param etag the etag from {@link ObjectMetadata#etag()} of the version read
   * @return the if-match mode
   */
  static WriteMode ifMatch(String etag) {
    return new IfMatch(etag);
  }

  /** Replace whatever is there. */
  final class Overwrite implements WriteMode {
    private static final Overwrite INSTANCE = new Overwrite();

    private Overwrite() {
    }

    @Override
    public String toString() {
      return "overwrite";
    }
  }

  /** Write only if nothing is there. */
  final class CreateOnly implements WriteMode {
    private static final CreateOnly INSTANCE = new CreateOnly();

    private CreateOnly() {
    }

    @Override
    public String toString() {
      return "create-only";
    }
  }

  /**
   * Write only if the current version has the given etag.
   *
   * @param etag the expected etag, not blank
   */
  record IfMatch(String etag) implements WriteMode {
    /**
     * Validates the etag.
     *
     * @param etag the expected etag, not blank
     */
    public IfMatch {
      Objects.requireNonNull(etag, "etag");
      if (etag.isBlank()) {
        throw new IllegalArgumentException("if-match etag must not be blank");
      }
    }

    @Override
    public String toString() {
      return "if-match(" + etag + ")";
    }
  }
}
