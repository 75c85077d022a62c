package io.kafkabackup.storage;

/**
 * A key-encryption key (KEK) service: wraps the data keys that encrypt backups and caches, and unwraps
 * them again, so that data keys are only ever stored wrapped. Each KEK has an id (a local key's name, a
 * Key Vault key identifier, a KMS key ARN); {@link #wrap} uses the current one, and {@link #unwrap}
 * takes the id recorded when a data key was wrapped, so a rotated KEK keeps older data readable while
 * the old key is still available. Opened by {@link KeyWrappers}; thread-safe.
 */
public interface KeyWrapper extends AutoCloseable {

  /**
   * The provider's type, as {@code storage.encryption.kek} names it and key objects record it.
   *
   * @return for example {@code local}, {@code azure-key-vault} or {@code aws-kms}
   */
  String type();

  /**
   * The id of the KEK that {@link #wrap} uses, as configured (an alias or an unversioned key name is
   * allowed here; {@link WrappedKey#keyId()} names the exact key).
   *
   * @return the id
   */
  String currentKeyId();

  /**
   * Wraps a data key under the current KEK.
   *
   * @param dataKey the key's bytes (not kept)
   * @return the wrapped key with the exact id of the key that wrapped it, recorded beside it
   * @throws KeyUnavailableException if the KEK cannot be used (refused, unreachable, disabled)
   */
  WrappedKey wrap(byte[] dataKey);

  /**
   * Unwraps a data key.
   *
   * @param keyId the id of the KEK it was wrapped under, as {@link WrappedKey#keyId()} gave it
   * @param wrapped the wrapped key's bytes
   * @return the key's bytes; the caller clears them when done
   * @throws KeyUnavailableException if that KEK is unknown, refused, unreachable, or does not unwrap
   *     these bytes (the wrong key, or wrapped bytes that were altered)
   */
  byte[] unwrap(String keyId, byte[] wrapped);

  /** Releases the service's clients. */
  @Override
  void close();
}
