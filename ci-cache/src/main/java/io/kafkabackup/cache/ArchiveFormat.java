package io.kafkabackup.cache;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * How a cache archive is compressed: a plain tar, or tar inside gzip or zstd. The names are the ones
 * drone-cache's {@code archive_format} takes, so pipelines switch without edits.
 */
public enum ArchiveFormat {
  /** An uncompressed tar. */
  TAR("tar", ".tar", 0, 0, 0),
  /** tar in gzip (levels 1–9, default 6). */
  GZIP("gzip", ".tar.gz", 1, 9, 6),
  /** tar in zstd (levels 1–19, default 3); compressed on worker threads. */
  ZSTD("zstd", ".tar.zst", 1, 19, 3);

  private final String configName;
  private final String extension;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  ArchiveFormat(String configName, String extension, int minLevel, int maxLevel, int defaultLevel) {
    this.configName = configName;
    this.extension = extension;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /**
   * The format a name stands for.
   *
   * @param name {@code tar}, {@code gzip} or {@code zstd} (any case)
   * @return the format
   * @throws CacheException naming the accepted values
   */
  public static ArchiveFormat of(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.configName.equals(wanted)).findFirst()
        .orElseThrow(() -> new CacheException("archive format: expected one of "
            + Arrays.stream(values()).map(ArchiveFormat::configName).collect(Collectors.joining(", "))
            + ", got '" + name + "'"));
  }

  /**
   * The name in configuration and in the entry's metadata.
   *
   * @return {@code tar}, {@code gzip} or {@code zstd}
   */
  public String configName() {
    return configName;
  }

  /**
   * The archive object's file extension.
   *
   * @return such as {@code .tar.zst}
   */
  public String extension() {
    return extension;
  }

  /**
   * The level used when none is given.
   *
   * @return the default level; 0 for {@link #TAR}
   */
  public int defaultLevel() {
    return defaultLevel;
  }

  /**
   * Checks a compression level against this format's range.
   *
   * @param level the requested level
   * @return the level
   * @throws CacheException if this format takes no level or the level is out of range
   */
  public int checkLevel(int level) {
    if (this == TAR) {
      throw new CacheException("compression level: the tar format is not compressed; drop the level or pick gzip or"
          + " zstd");
    }
    if (level < minLevel || level > maxLevel) {
      throw new CacheException("compression level: " + configName + " takes " + minLevel + " to " + maxLevel
          + ", got " + level);
    }
    return level;
  }

  OutputStream compress(OutputStream out, int level) throws IOException {
    switch (this) {
      case GZIP:
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(level);
        return new GzipCompressorOutputStream(out, parameters);
      case ZSTD:
        ZstdOutputStream zstd = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE);
        zstd.setLevel(level);
        // Compression runs beside the thread that reads files and writes tar headers.
        zstd.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        zstd.setChecksum(true);
        return zstd;
      default:
        return out;
    }
  }

  InputStream decompress(InputStream in) throws IOException {
    switch (this) {
      case GZIP:
        return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
      case ZSTD:
        return new ZstdInputStream(in, RecyclingBufferPool.INSTANCE);
      default:
        return in;
    }
  }
}
