package io.kafkabackup.storage.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * How fast, and how small, one 1 MiB segment block compresses with each zstd level and LZ4, on one
 * thread: the figures behind the backup's default {@code compression-level}. Three kinds of block:
 * records of 1,000 random bytes laid out as a segment block holds them (the pipeline benchmark's
 * records), JSON records (typical event payloads), and 1 MiB of random bytes.
 */
final class CodecBench {
  private static final int BLOCK = 1024 * 1024;
  private static final int ROUNDS = 300;

  private CodecBench() {
  }

  static String run() {
    Random random = new Random(1);
    Map<String, byte[]> blocks = new LinkedHashMap<>();
    blocks.put("records of 1,000 random bytes", randomRecords(random));
    blocks.put("JSON records", jsonRecords(random));
    byte[] noise = new byte[BLOCK];
    random.nextBytes(noise);
    blocks.put("random bytes", noise);
    StringBuilder md = new StringBuilder("## Codec: one 1 MiB block, one thread\n\n")
        .append("| block | codec | MB/s | stored ÷ plain |\n|---|---|---|---|\n");
    LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();
    byte[] out = new byte[(int) Math.max(Zstd.compressBound(BLOCK), lz4.maxCompressedLength(BLOCK))];
    for (Map.Entry<String, byte[]> block : blocks.entrySet()) {
      byte[] in = block.getValue();
      for (int level : new int[] {-1, 1, 2, 3}) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
          ctx.setLevel(level);
          row(md, block.getKey(), "zstd " + level, () -> ctx.compressByteArray(out, 0, out.length, in, 0, BLOCK));
        }
      }
      row(md, block.getKey(), "lz4", () -> lz4.compress(in, 0, BLOCK, out, 0, out.length));
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String block, String codec, Compression compression) {
    int stored = 0;
    for (int i = 0; i < ROUNDS / 5; i++) {
      stored = compression.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      stored = compression.run();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.3f |%n", block, codec,
        (double) ROUNDS * BLOCK / seconds / 1e6, (double) stored / BLOCK));
  }

  /** One compression of the block; returns the stored length. */
  private interface Compression {
    int run();
  }

  /** Records as a segment block lays them out (docs/format.md): offset, timestamp, kind, key, value, headers. */
  private static byte[] randomRecords(Random random) {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    byte[] value = new byte[1000];
    for (long offset = 0; block.remaining() >= 1100; offset++) {
      byte[] key = ("key-" + (offset % 10_000)).getBytes(StandardCharsets.UTF_8);
      random.nextBytes(value);
      block.putLong(offset).putLong(1_764_000_000_000L + offset).put((byte) 0)
          .putInt(key.length).put(key).putInt(value.length).put(value).putInt(0);
    }
    return block.array();
  }

  private static byte[] jsonRecords(Random random) {
    StringBuilder json = new StringBuilder();
    while (json.length() < BLOCK) {
      json.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"user\":\"user-")
          .append(random.nextInt(5000)).append("\",\"amount\":").append(random.nextInt(100_000) / 100.0)
          .append(",\"currency\":\"EUR\",\"ts\":").append(1_764_000_000_000L + random.nextInt(1_000_000))
          .append(",\"tags\":[\"a\",\"b\"]}\n");
    }
    byte[] bytes = new byte[BLOCK];
    System.arraycopy(json.toString().getBytes(StandardCharsets.UTF_8), 0, bytes, 0, BLOCK);
    return bytes;
  }
}
