package io.kafkabackup.cache;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Streams that count and SHA-256 every byte passing through, for the archive's length and checksum. */
final class HashingStreams {
  private HashingStreams() {
  }

  /** Counts and hashes what is written; {@link #close()} does not close the target, the caller decides. */
  static final class Out extends OutputStream {
    private final OutputStream target;
    private final MessageDigest digest = KeyTemplate.sha256();
    private long count;

    Out(OutputStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      target.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      target.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      target.flush();
    }

    @Override
    public void close() {
      // The object writer is committed or aborted by the caller, never by the compressor's close.
    }

    long count() {
      return count;
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** Counts and hashes what is read. */
  static final class In extends FilterInputStream {
    private final MessageDigest digest = KeyTemplate.sha256();
    private long count;

    In(InputStream source) {
      super(source);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        digest.update(b, off, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes must be hashed too.
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    long count() {
      return count;
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** Reads {@code in} to its end. */
  static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (in.read(buffer) >= 0) {
      // discard: only the checksum and the count matter
    }
  }
}
