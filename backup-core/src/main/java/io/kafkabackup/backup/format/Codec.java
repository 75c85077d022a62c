package io.kafkabackup.backup.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.util.Locale;
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

  /**
   * The zstd level used when none is configured: 1, not zstd's own default of 3. On 1 MiB blocks of
   * Kafka records level 1 compressed 1.6-1.7x faster than 3 with a better ratio on JSON records
   * (0.147 against 0.156), and 3-4x faster with the same ratio on records of random bytes, where level
   * 3's match search finds nothing but still costs a core per 230-310 MB/s (docs/benchmarks.md, "Codec").
   */
  public static final int DEFAULT_ZSTD_LEVEL = 1;

  private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();
  private static final ThreadLocal<ZstdCompressCtx> ZSTD_COMPRESSORS = ThreadLocal.withInitial(ZstdCompressCtx::new);
  private static final ThreadLocal<ZstdDecompressCtx> ZSTD_DECOMPRESSORS = ThreadLocal.withInitial(ZstdDecompressCtx::new);

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
   * The largest size {@link #compress} can produce for {@code length} bytes: the output buffer's size.
   *
   * @param length the plain length
   * @return the bound
   */
  int maxCompressedLength(int length) {
    switch (this) {
      case NONE:
        return length;
      case ZSTD:
        return (int) Zstd.compressBound(length);
      case LZ4:
        return LZ4_FACTORY.fastCompressor().maxCompressedLength(length);
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Compresses one block into {@code out}, which must hold {@link #maxCompressedLength} bytes. zstd
   * reuses one context per thread: a new context per block allocates and clears its tables each time,
   * which costs as much as compressing a small block.
   *
   * @param data the buffer
   * @param length how many bytes of it are used
   * @param level the zstd level (ignored by the other codecs)
   * @param out where the stored bytes go, from index 0
   * @return how many bytes of {@code out} were written
   */
  int compress(byte[] data, int length, int level, byte[] out) {
    switch (this) {
      case NONE:
        System.arraycopy(data, 0, out, 0, length);
        return length;
      case ZSTD:
        ZstdCompressCtx ctx = ZSTD_COMPRESSORS.get();
        ctx.setLevel(level);
        return ctx.compressByteArray(out, 0, out.length, data, 0, length);
      case LZ4:
        return LZ4_FACTORY.fastCompressor().compress(data, 0, length, out, 0, out.length);
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Decompresses one block into {@code plain}.
   *
   * @param stored the buffer holding the stored bytes
   * @param storedLength how many bytes of it are the block's
   * @param plain where the record bytes go, from index 0; at least {@code plainLength} long
   * @param plainLength the length recorded in the block header
   * @throws IllegalArgumentException when the bytes do not decompress to exactly that length
   */
  void decompress(byte[] stored, int storedLength, byte[] plain, int plainLength) {
    switch (this) {
      case NONE:
        if (storedLength != plainLength) {
          throw new IllegalArgumentException("stored length " + storedLength + " != " + plainLength);
        }
        System.arraycopy(stored, 0, plain, 0, plainLength);
        return;
      case ZSTD:
        int n;
        try {
          n = ZSTD_DECOMPRESSORS.get().decompressByteArray(plain, 0, plainLength, stored, 0, storedLength);
        } catch (ZstdException e) {
          throw new IllegalArgumentException("zstd block does not decompress: " + e.getMessage(), e);
        }
        if (n != plainLength) {
          throw new IllegalArgumentException("zstd block does not decompress to " + plainLength + " bytes");
        }
        return;
      case LZ4:
        LZ4FastDecompressor decompressor = LZ4_FACTORY.fastDecompressor();
        try {
          int read = decompressor.decompress(stored, 0, plain, 0, plainLength);
          if (read != storedLength) {
            throw new IllegalArgumentException("lz4 block has " + (storedLength - read) + " trailing bytes");
          }
        } catch (LZ4Exception e) {
          throw new IllegalArgumentException("lz4 block does not decompress: " + e.getMessage(), e);
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }
}
