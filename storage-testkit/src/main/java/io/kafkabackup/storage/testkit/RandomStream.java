package io.kafkabackup.storage.testkit;

import java.io.InputStream;

/**
 * A reproducible stream of pseudo-random bytes of any length, generated on the fly: tests can write
 * and verify GiB-sized objects without holding them in memory, and compute the bytes at any offset.
 */
public final class RandomStream extends InputStream {
  private final long seed;
  private final long length;
  private long position;

  /**
   * Creates the stream.
   *
   * @param length how many bytes it yields
   * @param seed what makes it differ from other streams
   */
  public RandomStream(long length, long seed) {
    this.length = length;
    this.seed = seed;
  }

  /**
   * The bytes a stream with this seed yields at an offset.
   *
   * @param seed the stream's seed
   * @param offset the first byte
   * @param length how many bytes
   * @return the bytes
   */
  public static byte[] bytesAt(long seed, long offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = byteAt(seed, offset + i);
    }
    return out;
  }

  private static byte byteAt(long seed, long position) {
    return (byte) (mix(seed * 0x9E3779B97F4A7C15L + (position >>> 3)) >>> ((position & 7) * 8));
  }

  /** SplitMix64's finaliser: a fast, well-spread hash of a 64-bit value. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public int read() {
    if (position >= length) {
      return -1;
    }
    return byteAt(seed, position++) & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    int i = 0;
    // Whole 8-byte words at a time: one hash per word.
    while (i < n && (position & 7) != 0) {
      b[off + i++] = byteAt(seed, position++);
    }
    while (n - i >= 8) {
      long word = mix(seed * 0x9E3779B97F4A7C15L + (position >>> 3));
      for (int j = 0; j < 8; j++) {
        b[off + i + j] = (byte) (word >>> (j * 8));
      }
      i += 8;
      position += 8;
    }
    while (i < n) {
      b[off + i++] = byteAt(seed, position++);
    }
    return n;
  }

  @Override
  public long skip(long n) {
    long skipped = Math.max(0, Math.min(n, length - position));
    position += skipped;
    return skipped;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, length - position);
  }
}
