package io.kafkabackup.backup.format;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts one segment's blocks (a data key, DEK), with the random id its segment's
 * header carries. Only its wrapped form is ever stored; {@link #toString()} shows the id, never the key.
 */
public final class DataKey {
  /** Bytes of a data key's id. */
  public static final int ID_BYTES = 16;
  /** Bytes of the key itself: AES-256. */
  public static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] id;
  private final SecretKey key;

  /**
   * Makes a data key from its parts.
   *
   * @param id the {@value #ID_BYTES}-byte id
   * @param key the {@value #KEY_BYTES}-byte key
   */
  public DataKey(byte[] id, byte[] key) {
    if (Objects.requireNonNull(id, "id").length != ID_BYTES) {
      throw new IllegalArgumentException("a data key id has " + ID_BYTES + " bytes, not " + id.length);
    }
    if (Objects.requireNonNull(key, "key").length != KEY_BYTES) {
      throw new IllegalArgumentException("a data key has " + KEY_BYTES + " bytes, not " + key.length);
    }
    this.id = id.clone();
    this.key = new SecretKeySpec(key, "AES");
  }

  /**
   * A fresh random data key with a fresh random id.
   *
   * @return the key
   */
  public static DataKey generate() {
    byte[] id = new byte[ID_BYTES];
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(key);
    try {
      return new DataKey(id, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The id, as the segment's header stores it.
   *
   * @return a copy of the id's bytes
   */
  public byte[] id() {
    return id.clone();
  }

  /**
   * The id in lower-case hex, as errors and key objects name it.
   *
   * @return 32 hex digits
   */
  public String idHex() {
    return HexFormat.of().formatHex(id);
  }

  /**
   * The key's bytes, for wrapping.
   *
   * @return a copy; the caller clears it when done
   */
  public byte[] keyBytes() {
    return key.getEncoded();
  }

  SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "DataKey[" + idHex() + "]";
  }
}
