package io.kafkabackup.backup.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentFormatTest {
  /** The encoder of the tests that write blocks off the caller's thread; one per test. */
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private static List<BackupRecord> sampleRecords(int count, long seed) {
    Random random = new Random(seed);
    List<BackupRecord> records = new ArrayList<>();
    long offset = 100;
    for (int i = 0; i < count; i++) {
      offset += 1 + (i % 7 == 0 ? random.nextInt(5) : 0); // gaps, as compaction leaves
      byte[] key = switch (i % 4) {
        case 0 -> null;
        case 1 -> new byte[0];
        default -> ("key-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
      };
      byte[] value = switch (i % 5) {
        case 0 -> null;
        case 1 -> new byte[0];
        default -> {
          byte[] v = new byte[random.nextInt(3000)];
          random.nextBytes(v);
          yield v;
        }
      };
      List<RecordHeader> headers = i % 3 == 0 ? List.of()
          : List.of(new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8)), new RecordHeader("empty", new byte[0]),
              new RecordHeader("null", null), new RecordHeader("trace", "repeat".getBytes(StandardCharsets.UTF_8)));
      TimestampKind kind = i % 11 == 0 ? TimestampKind.LOG_APPEND_TIME : TimestampKind.CREATE_TIME;
      long ts = 1_700_000_000_000L + random.nextInt(1_000_000) - 500_000; // out of order on purpose
      records.add(new BackupRecord(offset, ts, kind, key, value, headers));
    }
    return records;
  }

  private static byte[] write(List<BackupRecord> records, Codec codec, int blockBytes, SegmentSummary[] summary)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentWriter writer = new SegmentWriter(out, codec, Codec.DEFAULT_ZSTD_LEVEL, blockBytes);
    for (BackupRecord r : records) {
      writer.append(r);
    }
    summary[0] = writer.finish();
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void everyFieldRoundTripsThroughEveryCodec(Codec codec) throws Exception {
    List<BackupRecord> records = sampleRecords(2_000, 42);
    SegmentSummary[] written = new SegmentSummary[1];
    byte[] bytes = write(records, codec, 64 * 1024, written);

    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), written[0].sha256());
    assertEquals(bytes.length, written[0].storedBytes());
    assertTrue(written[0].blockCount() > 1, "several blocks at 64 KiB");
    assertEquals(records.get(0).offset(), written[0].firstOffset());
    assertEquals(records.get(records.size() - 1).offset(), written[0].lastOffset());
    assertEquals(records.stream().mapToLong(BackupRecord::timestamp).min().getAsLong(), written[0].minTimestamp());
    assertEquals(records.stream().mapToLong(BackupRecord::timestamp).max().getAsLong(), written[0].maxTimestamp());

    List<BackupRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open("s", new ByteArrayInputStream(bytes), written[0].sha256())) {
      assertEquals(codec, reader.codec());
      reader.forEachRemaining(read::add);
      assertEquals(written[0], reader.summary().orElseThrow());
    }
    assertEquals(records, read);
    // null and empty stay distinct
    assertNull(read.get(0).key());
    assertArrayEquals(new byte[0], read.get(1).key());
    assertNull(read.get(0).value());
    assertArrayEquals(new byte[0], read.get(1).value());
    assertNull(read.get(1).headers().get(2).value());
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aFlippedByteAnywhereIsATypedErrorNamingTheSegment(Codec codec) throws Exception {
    SegmentSummary[] written = new SegmentSummary[1];
    byte[] bytes = write(sampleRecords(300, 7), codec, 16 * 1024, written);
    Random random = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      byte[] copy = bytes.clone();
      int at = random.nextInt(copy.length);
      copy[at] ^= (byte) (1 << random.nextInt(8));
      CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
          () -> SegmentReader.verify("b/topics/t/0/segments/x.kbseg", new ByteArrayInputStream(copy), null),
          "flip at byte " + at);
      assertEquals("b/topics/t/0/segments/x.kbseg", e.segment());
      assertTrue(e.getMessage().contains("b/topics/t/0/segments/x.kbseg"));
    }
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aTruncatedSegmentOrTrailingBytesAreCorrupt(Codec codec) throws Exception {
    SegmentSummary[] written = new SegmentSummary[1];
    byte[] bytes = write(sampleRecords(100, 3), codec, 8 * 1024, written);
    for (int cut : new int[] {0, 5, 8, 30, bytes.length / 2, bytes.length - 1}) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThrows(CorruptSegmentException.class,
          () -> SegmentReader.verify("seg", new ByteArrayInputStream(truncated), null), "cut at " + cut);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(CorruptSegmentException.class,
        () -> SegmentReader.verify("seg", new ByteArrayInputStream(longer), null));
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aSegmentThatDiffersFromItsCommittedSha256IsCorrupt(Codec codec) throws Exception {
    SegmentSummary[] written = new SegmentSummary[1];
    byte[] bytes = write(sampleRecords(10, 5), codec, 1024, written);
    String other = "0".repeat(64);
    CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
        () -> SegmentReader.verify("seg", new ByteArrayInputStream(bytes), other));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void anOutsizedRecordGetsABlockOfItsOwn(Codec codec) throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(9).nextBytes(big);
    List<BackupRecord> records = List.of(
        new BackupRecord(0, 1, TimestampKind.CREATE_TIME, null, new byte[] {1}, List.of()),
        new BackupRecord(1, 2, TimestampKind.CREATE_TIME, "k".getBytes(StandardCharsets.UTF_8), big, List.of()),
        new BackupRecord(5, 3, TimestampKind.NONE, null, null, List.of()));
    SegmentSummary[] written = new SegmentSummary[1];
    byte[] bytes = write(records, codec, 1024, written);
    List<BackupRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open("s", new ByteArrayInputStream(bytes), written[0].sha256())) {
      reader.forEachRemaining(read::add);
    }
    assertEquals(records, read);
  }

  @Test
  void offsetsMustIncrease() throws Exception {
    SegmentWriter writer = new SegmentWriter(new ByteArrayOutputStream(), Codec.ZSTD, 3, 1024);
    writer.append(new BackupRecord(5, 1, TimestampKind.CREATE_TIME, null, null, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> writer.append(new BackupRecord(5, 1, TimestampKind.CREATE_TIME, null, null, List.of())));
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void anEncoderPoolWritesTheSameBytesAsTheCallersThread(Codec codec) throws Exception {
    List<BackupRecord> records = sampleRecords(3_000, 7);
    SegmentSummary[] direct = new SegmentSummary[1];
    byte[] expected = write(records, codec, 16 * 1024, direct);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentWriter writer = new SegmentWriter(out, codec, Codec.DEFAULT_ZSTD_LEVEL, 16 * 1024, pool);
    for (BackupRecord r : records) {
      writer.append(r);
      assertTrue(writer.estimatedBytes() >= out.size(), "the estimate covers what is written");
    }
    SegmentSummary summary = writer.finish();
    // Blocks are compressed several at once but written in order: byte for byte the same segment.
    assertArrayEquals(expected, out.toByteArray());
    assertEquals(direct[0], summary);
    assertTrue(summary.blockCount() > 10, "many blocks went through the pool: " + summary.blockCount());
  }

  @Test
  void aFailedBlockWriteOnTheEncoderReachesTheAppendingThread() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (writes.incrementAndGet() > 3) {
          throw new IOException("disk full");
        }
      }
    };
    SegmentWriter writer = new SegmentWriter(failing, Codec.ZSTD, 1, 1024, pool);
    IOException e = assertThrows(IOException.class, () -> {
      for (BackupRecord r : sampleRecords(2_000, 3)) {
        writer.append(r);
      }
      writer.finish();
    });
    assertEquals("disk full", e.getMessage());
  }

  @Test
  void anAbandonedSegmentWritesNothingMoreOnceAbandonReturns() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentWriter writer = new SegmentWriter(out, Codec.LZ4, 1, 1024, pool);
    for (BackupRecord r : sampleRecords(500, 5)) {
      writer.append(r);
    }
    writer.abandon();
    int size = out.size();
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(size, out.size(), "no block written after abandon() returned");
    assertThrows(IllegalStateException.class, writer::finish);
  }
}
