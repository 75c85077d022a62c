package io.kafkabackup.backup.format;

import com.github.luben.zstd.Zstd;
import java.util.Arrays;
import java.util.Locale;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

/**
 * How the blocks of a segment are compressed. zstd and LZ4 come from the same libraries Kafka's own
 * clients use (zstd-jni, lz4-java); each block is compressed on its own, so a reader needs no state
 * from earlier blocks.
 */
public enum Codec {
  /** Stored as is. */
  NONE(0),
  /** Zstandard (the default): the best ratio at a speed that keeps up with a consumer. */
  ZSTD(1),
  /** LZ4 block format: the fastest, larger output. */
  LZ4(2);

  /** The zstd level used when none is configured (zstd's own default). */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();

  private final int code;

  Codec(int code) {
    this.code = code;
  }

  /**
   * The byte written in the segment header.
   *
   * @return 0, 1 or 2
   */
  public int code() {
    return code;
  }

  /**
   * The codec stored as {@code code}.
   *
   * @param code the stored byte
   * @return the codec
   * @throws IllegalArgumentException for an unknown code
   */
  public static Codec ofCode(int code) {
    for (Codec codec : values()) {
      if (codec.code == code) {
        return codec;
      }
    }
    throw new IllegalArgumentException("unknown codec code " + code);
  }

  /**
   * The codec named {@code name} ({@code zstd}, {@code lz4} or {@code none}, any case).
   *
   * @param name the configured name
   * @return the codec
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Codec named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown compression '" + name + "': expected zstd, lz4 or none", e);
    }
  }

  /**
   * Compresses one block.
   *
   * @param data the buffer
   * @param length how many bytes of it are used
   * @param level the zstd level (ignored by the other codecs)
   * @return the stored bytes
   */
  byte[] compress(byte[] data, int length, int level) {
    switch (this) {
      case NONE:
        return Arrays.copyOf(data, length);
      case ZSTD:
        byte[] out = new byte[(int) Zstd.compressBound(length)];
        long n = Zstd.compressByteArray(out, 0, out.length, data, 0, length, level);
        if (Zstd.isError(n)) {
          throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        return Arrays.copyOf(out, (int) n);
      case LZ4:
        LZ4Compressor compressor = LZ4_FACTORY.fastCompressor();
        byte[] buf = new byte[compressor.maxCompressedLength(length)];
        int written = compressor.compress(data, 0, length, buf, 0, buf.length);
        return Arrays.copyOf(buf, written);
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Decompresses one block.
   *
   * @param stored the stored bytes
   * @param uncompressedLength the length recorded in the block header
   * @return the block's record bytes
   * @throws IllegalArgumentException when the bytes do not decompress to that length
   */
  byte[] decompress(byte[] stored, int uncompressedLength) {
    switch (this) {
      case NONE:
        if (stored.length != uncompressedLength) {
          throw new IllegalArgumentException("stored length " + stored.length + " != " + uncompressedLength);
        }
        return stored;
      case ZSTD:
        byte[] out = new byte[uncompressedLength];
        long n = Zstd.decompressByteArray(out, 0, out.length, stored, 0, stored.length);
        if (Zstd.isError(n) || n != uncompressedLength) {
          throw new IllegalArgumentException("zstd block does not decompress to " + uncompressedLength + " bytes");
        }
        return out;
      case LZ4:
        LZ4FastDecompressor decompressor = LZ4_FACTORY.fastDecompressor();
        byte[] dest = new byte[uncompressedLength];
        try {
          int read = decompressor.decompress(stored, 0, dest, 0, uncompressedLength);
          if (read != stored.length) {
            throw new IllegalArgumentException("lz4 block has " + (stored.length - read) + " trailing bytes");
          }
        } catch (LZ4Exception e) {
          throw new IllegalArgumentException("lz4 block does not decompress: " + e.getMessage(), e);
        }
        return dest;
      default:
        throw new AssertionError(this);
    }
  }
}
