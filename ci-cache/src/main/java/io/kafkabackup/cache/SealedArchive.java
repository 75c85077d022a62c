package io.kafkabackup.cache;

import io.kafkabackup.storage.crypto.AesGcm;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The encrypted form of a cache archive: the compressed archive cut into chunks of at most
 * {@value #CHUNK_BYTES} bytes, each sealed with AES-256-GCM under the entry's data key. A chunk's nonce
 * is its index and its associated data binds the header (with the data key's id), the index and whether
 * it is the last chunk, so chunks cannot be reordered, dropped, moved between archives, or the archive
 * cut short, without a tag failing. A reader hands out a chunk's bytes only once its tag checked out, so
 * the tar parser never sees a byte that was not written by the key's holder. Documented in
 * {@code docs/format.md}.
 *
 * <pre>
 * archive = "KBCA" version:u8 reserved:u8[3] dataKeyId:16 chunk*
 * chunk   = lengthAndFinal:u32 (bit 31: last chunk; bits 0-30: sealed length) sealed[length]
 * </pre>
 */
final class SealedArchive {
  static final int CHUNK_BYTES = 1024 * 1024;
  private static final byte[] MAGIC = "KBCA".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int HEADER_BYTES = 24;
  private static final int TAG_BYTES = 16;
  private static final int FINAL = 0x8000_0000;

  private SealedArchive() {
  }

  private static byte[] header(byte[] dataKeyId) {
    return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put((byte) VERSION).put(new byte[3]).put(dataKeyId).array();
  }

  private static Cipher cipher(int mode, SecretKey key, byte[] header, long index, boolean last)
      throws GeneralSecurityException {
    Cipher cipher = AesGcm.cipher();
    cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, ByteBuffer.allocate(12).putInt(0).putLong(index).array()));
    cipher.updateAAD(ByteBuffer.allocate(HEADER_BYTES + 9).put(header).putLong(index).put((byte) (last ? 1 : 0))
        .array());
    return cipher;
  }

  /**
   * Seals what is written into {@code out}; closing writes the last chunk and closes {@code out}.
   *
   * @param out where the sealed archive goes
   * @param key the data key
   * @param dataKeyId its id
   * @return the stream to write the compressed archive into
   * @throws IOException if the header cannot be written
   */
  static OutputStream seal(OutputStream out, SecretKey key, byte[] dataKeyId) throws IOException {
    byte[] header = header(dataKeyId);
    out.write(header);
    return new FilterOutputStream(out) {
      private final byte[] chunk = new byte[CHUNK_BYTES + TAG_BYTES];
      private int size;
      private long index;
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          if (size == CHUNK_BYTES) {
            emit(false);
          }
          int n = Math.min(len, CHUNK_BYTES - size);
          System.arraycopy(b, off, chunk, size, n);
          size += n;
          off += n;
          len -= n;
        }
      }

      /** Holds back a full chunk until more follows: only {@link #close} knows which chunk is the last. */
      private void emit(boolean last) throws IOException {
        int sealed;
        try {
          sealed = cipher(Cipher.ENCRYPT_MODE, key, header, index, last).doFinal(chunk, 0, size, chunk, 0);
        } catch (GeneralSecurityException e) {
          throw new IOException("AES-GCM failed to seal chunk " + index, e);
        }
        out.write(ByteBuffer.allocate(4).putInt(sealed | (last ? FINAL : 0)).array());
        out.write(chunk, 0, sealed);
        index++;
        size = 0;
      }

      @Override
      public void flush() {
        // A chunk is written whole or not at all.
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          try {
            emit(true);
          } finally {
            Arrays.fill(chunk, (byte) 0);
            out.close();
          }
        }
      }
    };
  }

  /**
   * Opens a sealed archive: reads and checks the header now, then hands out each chunk's plain bytes
   * once its tag checked out. A tag that fails, a chunk after the last, or an end before it, is an
   * {@link IOException} naming the chunk.
   *
   * @param in the sealed archive (not closed here)
   * @param key resolves the data key from the id the header names
   * @return the compressed archive's bytes
   * @throws IOException if the header is not a sealed archive's
   */
  static InputStream open(InputStream in, java.util.function.Function<byte[], SecretKey> key) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[HEADER_BYTES];
    data.readFully(header);
    if (!Arrays.equals(Arrays.copyOf(header, 4), MAGIC) || header[4] != VERSION) {
      throw new IOException("not an encrypted cache archive (its header is not KBCA version " + VERSION + ")");
    }
    SecretKey secret = key.apply(Arrays.copyOfRange(header, 8, HEADER_BYTES));
    return new InputStream() {
      private final byte[] chunk = new byte[CHUNK_BYTES + TAG_BYTES];
      private int pos;
      private int limit;
      private long index;
      private boolean last;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (pos == limit) {
          if (last) {
            return -1;
          }
          next();
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
      }

      private void next() throws IOException {
        int lengthAndFinal;
        try {
          lengthAndFinal = data.readInt();
        } catch (EOFException e) {
          throw new IOException("the encrypted archive ends before its last chunk (after chunk " + (index - 1) + ")");
        }
        boolean isLast = (lengthAndFinal & FINAL) != 0;
        int sealed = lengthAndFinal & ~FINAL;
        if (sealed < TAG_BYTES || sealed > chunk.length) {
          throw new IOException("chunk " + index + " of the encrypted archive has an impossible length " + sealed);
        }
        data.readFully(chunk, 0, sealed);
        try {
          limit = cipher(Cipher.DECRYPT_MODE, secret, header, index, isLast).doFinal(chunk, 0, sealed, chunk, 0);
        } catch (AEADBadTagException e) {
          throw new IOException("chunk " + index + " of the encrypted archive fails its authentication tag "
              + "(tampered, reordered, cut short or from another archive)");
        } catch (GeneralSecurityException e) {
          throw new IOException("AES-GCM failed to open chunk " + index, e);
        }
        pos = 0;
        index++;
        last = isLast;
        if (last && data.read() != -1) {
          throw new IOException("bytes follow the last chunk of the encrypted archive");
        }
      }
    };
  }
}
