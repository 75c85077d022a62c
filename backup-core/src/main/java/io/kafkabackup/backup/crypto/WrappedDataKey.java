package io.kafkabackup.backup.crypto;

/**
 * A segment's key object ({@code ….kbkey} beside its {@code ….kbseg}): the data key that encrypts the
 * segment, wrapped by a key-encryption key. It is the only object {@code rekey} rewrites; the segment it
 * serves is never touched. Documented in {@code docs/format.md}.
 *
 * @param format the key object's format, {@value #FORMAT}
 * @param dataKeyId the data key's id in hex, as the segment's header holds it
 * @param kekProvider the key-encryption provider's type, such as {@code local} or {@code aws-kms}
 * @param kekId the id of the key-encryption key that wrapped it
 * @param wrappedKey the wrapped data key, base64
 */
public record WrappedDataKey(int format, String dataKeyId, String kekProvider, String kekId, String wrappedKey) {
  /** The format this version writes. */
  public static final int FORMAT = 1;
}
