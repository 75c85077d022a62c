package io.kafkabackup.backup.format;

import io.kafkabackup.storage.crypto.AesGcm;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM over the blocks and the footer of an encrypted segment (format version 2). Each block's
 * nonce is its index (the data key is fresh per segment, so a nonce never repeats under a key), and its
 * associated data binds the segment's header (with the data key's id), the block's index, record count
 * and plain length: a block swapped, reordered, moved to another segment or given another header fails
 * its tag. The footer's tag (an empty message under nonce kind 1) binds the header and the footer's
 * figures, so a segment cut short with a forged footer fails too.
 */
final class SegmentCipher {
  static final int TAG_BYTES = 16;
  private static final int TAG_BITS = TAG_BYTES * 8;
  private static final int BLOCK_NONCE = 0;
  private static final int FOOTER_NONCE = 1;

  private final DataKey key;
  private final byte[] header;

  SegmentCipher(DataKey key, byte[] header) {
    this.key = key;
    this.header = header.clone();
  }

  /**
   * Encrypts {@code length} bytes of {@code buf} in place and appends the tag.
   *
   * @return the sealed length, {@code length + TAG_BYTES}; {@code buf} must have room for it
   */
  int seal(byte[] buf, int length, long index, int records, int plainLength) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, BLOCK_NONCE, index);
      cipher.updateAAD(blockAad(index, records, plainLength));
      return cipher.doFinal(buf, 0, length, buf, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to encrypt block " + index, e);
    }
  }

  /**
   * Checks the tag of a sealed block and decrypts it in place.
   *
   * @return the compressed length, or -1 if the tag does not match
   */
  int open(byte[] buf, int sealedLength, long index, int records, int plainLength) {
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, BLOCK_NONCE, index);
      cipher.updateAAD(blockAad(index, records, plainLength));
      return cipher.doFinal(buf, 0, sealedLength, buf, 0);
    } catch (AEADBadTagException e) {
      return -1;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to decrypt block " + index, e);
    }
  }

  /** The footer's tag over the header and the footer's body. */
  byte[] footerTag(byte[] footerBody, int length) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, FOOTER_NONCE, 0);
      cipher.updateAAD(header);
      cipher.updateAAD(footerBody, 0, length);
      return cipher.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed on the footer", e);
    }
  }

  private Cipher cipher(int mode, int kind, long index) throws GeneralSecurityException {
    byte[] nonce = ByteBuffer.allocate(12).putInt(kind).putLong(index).array();
    Cipher cipher = AesGcm.cipher();
    cipher.init(mode, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  private byte[] blockAad(long index, int records, int plainLength) {
    return ByteBuffer.allocate(header.length + 16).put(header).putLong(index).putInt(records).putInt(plainLength)
        .array();
  }
}
