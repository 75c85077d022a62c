package io.kafkabackup.backup.crypto;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.DataKey;
import io.kafkabackup.backup.format.DataKeys;
import io.kafkabackup.backup.format.SegmentKeyException;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.WrappedKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The envelope of encrypted segments: a fresh data key per segment, stored only wrapped by the
 * key-encryption key (KEK) in a key object beside the segment, written create-only before the segment
 * itself so that no committed segment lacks its key. Reading resolves a segment's data key from its key
 * object with the KEK id recorded there, so segments written before a KEK rotation stay readable.
 * Resolved keys of recent segments are kept (a restore validates, then replays, each segment), never
 * their wrapped or plain bytes in logs or errors.
 */
public final class SegmentKeys implements DataKeys {
  private static final int CACHED_KEYS = 256;

  private final StorageBackend storage;
  private final KeyWrapper kek;
  private final Map<String, DataKey> resolved = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, DataKey> eldest) {
      return size() > CACHED_KEYS;
    }
  };

  /**
   * Makes the envelope of one store.
   *
   * @param storage where segments and key objects are
   * @param kek the key-encryption key service
   */
  public SegmentKeys(StorageBackend storage, KeyWrapper kek) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.kek = Objects.requireNonNull(kek, "kek");
  }

  /**
   * Makes a fresh data key for a segment about to be written, and stores it wrapped under the current
   * KEK, create-only.
   *
   * @param segment the segment's key
   * @return the data key to write the segment with
   * @throws KeyUnavailableException if the KEK cannot wrap
   */
  public DataKey create(ObjectKey segment) {
    DataKey key = DataKey.generate();
    byte[] plain = key.keyBytes();
    WrappedKey wrapped;
    try {
      wrapped = kek.wrap(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    WrappedDataKey object = new WrappedDataKey(WrappedDataKey.FORMAT, key.idHex(), kek.type(), wrapped.keyId(),
        Base64.getEncoder().encodeToString(wrapped.bytes()));
    storage.put(BackupLayout.dataKey(segment), BackupJson.write(object), PutOptions.createOnly());
    return key;
  }

  @Override
  public DataKey resolve(String segment, byte[] keyId) {
    String id = HexFormat.of().formatHex(keyId);
    synchronized (resolved) {
      DataKey known = resolved.get(segment);
      if (known != null && known.idHex().equals(id)) {
        return known;
      }
    }
    ObjectKey keyObject = BackupLayout.dataKey(ObjectKey.of(segment));
    WrappedDataKey object = read(storage, segment, keyObject);
    if (!id.equals(object.dataKeyId())) {
      throw new SegmentKeyException(segment, "key object " + keyObject.value() + " holds data key " + object.dataKeyId()
          + ", the segment's header names " + id, null);
    }
    String wrappedBy = object.kekProvider() + " key '" + object.kekId() + "'";
    byte[] plain = unwrap(kek, segment, keyObject, object);
    DataKey key;
    try {
      key = new DataKey(keyId, plain);
    } catch (IllegalArgumentException e) {
      throw new SegmentKeyException(segment, "the data key " + id + " unwrapped by " + wrappedBy + " is not an AES-256 key",
          null);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    synchronized (resolved) {
      resolved.put(segment, key);
    }
    return key;
  }

  /**
   * Reads a key object, refusing one that is missing, unreadable or of a format this version does not know.
   *
   * @param owner what the key serves (a segment's key), for errors
   */
  static WrappedDataKey read(StorageBackend storage, String owner, ObjectKey keyObject) {
    WrappedDataKey object;
    try {
      object = BackupJson.read(storage.get(keyObject), WrappedDataKey.class, keyObject.value());
    } catch (ObjectNotFoundException e) {
      throw new SegmentKeyException(owner, "its key object " + keyObject.value() + " is missing", null);
    } catch (BackupException e) {
      throw new SegmentKeyException(owner, e.getMessage(), e);
    }
    if (object.format() != WrappedDataKey.FORMAT) {
      throw new SegmentKeyException(owner, "key object " + keyObject.value() + " has format " + object.format()
          + ", this version reads format " + WrappedDataKey.FORMAT, null);
    }
    return object;
  }

  /**
   * Unwraps the data key a key object holds with the configured KEK, which must be of the provider that
   * wrapped it.
   *
   * @param owner what the key serves, for errors
   * @return the data key's bytes; the caller clears them
   */
  static byte[] unwrap(KeyWrapper kek, String owner, ObjectKey keyObject, WrappedDataKey object) {
    String wrappedBy = object.kekProvider() + " key '" + object.kekId() + "'";
    if (!kek.type().equals(object.kekProvider())) {
      throw new SegmentKeyException(owner, "its data key " + object.dataKeyId() + " is wrapped by " + wrappedBy
          + ", and the configured key-encryption provider is " + kek.type(), null);
    }
    try {
      return kek.unwrap(object.kekId(), Base64.getDecoder().decode(object.wrappedKey()));
    } catch (KeyUnavailableException e) {
      throw new SegmentKeyException(owner, "its data key " + object.dataKeyId() + " (wrapped by " + wrappedBy
          + ") cannot be unwrapped: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SegmentKeyException(owner, "key object " + keyObject.value() + " holds no base64 wrapped key", null);
    }
  }

  /**
   * The envelope of a store when a KEK is configured.
   *
   * @param storage where segments and key objects are
   * @param kek the key-encryption key service, if configured
   * @return the envelope, or null without a KEK
   */
  public static SegmentKeys of(StorageBackend storage, Optional<KeyWrapper> kek) {
    return kek.map(k -> new SegmentKeys(storage, k)).orElse(null);
  }
}
