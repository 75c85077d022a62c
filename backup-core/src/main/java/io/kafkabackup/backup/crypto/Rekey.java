package io.kafkabackup.backup.crypto;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.SegmentKeyException;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.WrappedKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-wraps every data key of a backup under the current key-encryption key, so that the old KEK can be
 * retired, without touching a single segment: only the small key objects are rewritten. Each key object
 * is replaced atomically and only if it is still the one read ({@code if-match} its ETag); the new
 * wrapping is unwrapped and compared before it is written. A backup stays readable throughout (each key
 * object holds one valid wrapping at every moment, old or new), a run cut short is finished by the next,
 * and a second run finds nothing left to do. Needs both the old and the new KEK in the configured
 * provider (a local key directory holding both, or a KMS or Key Vault identity allowed to use both).
 */
public final class Rekey {
  private static final Logger LOG = LoggerFactory.getLogger(Rekey.class);
  private static final int ATTEMPTS = 3;

  private Rekey() {
  }

  /**
   * Re-wraps a backup's data keys under the current KEK.
   *
   * @param storage where the backup is
   * @param backupId the backup
   * @param kek the key-encryption key service; its current key wraps, the recorded ones unwrap
   * @return what was done
   * @throws SegmentKeyException naming the key object if an old wrapping cannot be unwrapped
   * @throws KeyUnavailableException if the current KEK cannot wrap
   */
  public static RekeyResult run(StorageBackend storage, String backupId, KeyWrapper kek) {
    // The exact id of the current key (an alias resolves to a key ARN, an unversioned name to a version).
    byte[] probe = new byte[32];
    String current = kek.wrap(probe).keyId();
    List<ObjectKey> keyObjects;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.backupPrefix(backupId))) {
      keyObjects = entries.filter(e -> e instanceof ListEntry.StoredObject && e.name().endsWith(".kbkey"))
          .map(e -> ObjectKey.of(e.name())).collect(Collectors.toList());
    }
    int rewrapped = 0;
    int alreadyCurrent = 0;
    TreeSet<String> previous = new TreeSet<>();
    for (ObjectKey keyObject : keyObjects) {
      String before = rekeyOne(storage, keyObject, kek, current);
      if (before == null) {
        alreadyCurrent++;
      } else {
        rewrapped++;
        previous.add(before);
      }
    }
    LOG.info("rekey of backup {}: {} data keys re-wrapped under {}, {} already were", backupId, rewrapped, current,
        alreadyCurrent);
    return new RekeyResult(backupId, current, rewrapped, alreadyCurrent, List.copyOf(previous));
  }

  /** Re-wraps one key object; returns the KEK id it was under, or null if it already was under {@code current}. */
  private static String rekeyOne(StorageBackend storage, ObjectKey keyObject, KeyWrapper kek, String current) {
    for (int attempt = 1; ; attempt++) {
      ObjectMetadata meta = storage.stat(keyObject);
      WrappedDataKey old = SegmentKeys.read(storage, keyObject.value(), keyObject);
      if (old.kekProvider().equals(kek.type()) && old.kekId().equals(current)) {
        return null;
      }
      byte[] plain = SegmentKeys.unwrap(kek, keyObject.value(), keyObject, old);
      try {
        WrappedKey wrapped = kek.wrap(plain);
        byte[] check = kek.unwrap(wrapped.keyId(), wrapped.bytes());
        boolean same = Arrays.equals(check, plain);
        Arrays.fill(check, (byte) 0);
        if (!same) {
          throw new IllegalStateException("key-encryption key " + wrapped.keyId() + " did not unwrap what it wrapped");
        }
        WrappedDataKey updated = new WrappedDataKey(WrappedDataKey.FORMAT, old.dataKeyId(), kek.type(), wrapped.keyId(),
            Base64.getEncoder().encodeToString(wrapped.bytes()));
        storage.put(keyObject, BackupJson.write(updated), PutOptions.ifMatch(meta.etag()));
        return old.kekId();
      } catch (PreconditionFailedException e) {
        // Another rekey (or a retry) replaced it meanwhile: read it again.
        if (attempt == ATTEMPTS) {
          throw e;
        }
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }
}
