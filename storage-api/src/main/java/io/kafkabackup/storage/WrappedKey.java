package io.kafkabackup.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data key wrapped by a key-encryption key, with the id of the exact key that wrapped it: the key
 * version or ARN the service reports, not an alias that may later point elsewhere, so that
 * {@link KeyWrapper#unwrap} finds it again after a rotation.
 *
 * @param keyId the wrapping key's id
 * @param bytes the wrapped key
 */
public record WrappedKey(String keyId, byte[] bytes) {
  /**
   * Checks the parts.
   *
   * @param keyId the wrapping key's id
   * @param bytes the wrapped key
   */
  public WrappedKey {
    Objects.requireNonNull(keyId, "keyId");
    bytes = Objects.requireNonNull(bytes, "bytes").clone();
  }

  /**
   * The wrapped key.
   *
   * @return a copy of its bytes
   */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return "WrappedKey[" + keyId + ", " + bytes.length + " bytes]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrappedKey w && w.keyId.equals(keyId) && Arrays.equals(w.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(bytes);
  }
}
