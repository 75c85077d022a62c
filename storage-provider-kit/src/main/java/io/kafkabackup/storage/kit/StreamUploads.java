package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Implements {@link StorageBackend#put(io.kafkabackup.storage.ObjectKey, InputStream, long,
 * io.kafkabackup.storage.PutOptions)} on top of a writer, with the contract's length rules, so every
 * provider treats short, long and failing streams the same way.
 */
public final class StreamUploads {
  private static final int BUFFER = 64 * 1024;

  private StreamUploads() {
  }

  /**
   * Copies a stream into a writer and commits it. If the stream fails, ends before {@code length}
   * bytes or has more, the writer is aborted and nothing is stored.
   *
   * @param writer a fresh writer for the object
   * @param data the content; read to its end (or to one byte past {@code length}), not closed
   * @param length the declared length, or {@link StorageBackend#UNKNOWN_LENGTH}
   * @return the metadata of the stored object
   * @throws IOException if storing the object fails
   * @throws StorageException if reading the stream fails (not retryable: the caller's source, not the store,
   *     failed), the stream's length differs from {@code length}, or the backend fails
   */
  public static ObjectMetadata write(ObjectWriter writer, InputStream data, long length) throws IOException {
    boolean known = length != StorageBackend.UNKNOWN_LENGTH;
    if (known && length < 0) {
      writer.abort();
      throw new IllegalArgumentException("length must be >= 0 or UNKNOWN_LENGTH, was " + length);
    }
    try {
      byte[] buffer = new byte[BUFFER];
      long total = 0;
      while (true) {
        // Ask for one byte past the declared length, to notice a stream that is too long.
        int want = known ? (int) Math.min(buffer.length, length - total + 1) : buffer.length;
        int n;
        try {
          n = data.read(buffer, 0, want);
        } catch (IOException e) {
          // The caller's source failed, not the store: no retry could help, and the source cannot be
          // read again, so this is not retryable whatever the provider does with its own I/O errors.
          throw new StorageException("reading the data for '" + writer.key() + "' failed after " + total
              + " bytes; nothing was stored: " + e.getMessage(), e, false);
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (known && total > length) {
          throw new StorageException("stream for '" + writer.key() + "' has more than the " + length
              + " declared bytes; nothing was stored");
        }
        writer.write(buffer, 0, n);
      }
      if (known && total != length) {
        throw new StorageException("stream for '" + writer.key() + "' ended after " + total + " of " + length
            + " declared bytes; nothing was stored");
      }
    } catch (IOException | RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
    writer.close();
    return writer.metadata();
  }
}
