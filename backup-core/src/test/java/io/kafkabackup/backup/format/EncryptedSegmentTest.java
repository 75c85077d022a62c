package io.kafkabackup.backup.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Segment format version 2: blocks under AES-256-GCM, checked against every way of tampering with them. */
class EncryptedSegmentTest {
  private static final byte[] MARKER = "secret-payment-4111111111111111".getBytes(StandardCharsets.UTF_8);
  private final DataKey key = DataKey.generate();
  private final DataKeys keys = (segment, id) -> key;

  private static List<BackupRecord> records(int count) {
    List<BackupRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = i % 9 == 0 ? null : (new String(MARKER, StandardCharsets.UTF_8) + "-" + i).getBytes(StandardCharsets.UTF_8);
      records.add(new BackupRecord(10 + 2L * i, 1_000 + i, TimestampKind.CREATE_TIME,
          i % 4 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8), value,
          i % 3 == 0 ? List.of() : List.of(new RecordHeader("h", MARKER), new RecordHeader("n", null))));
    }
    return records;
  }

  private byte[] write(List<BackupRecord> records, Codec codec, SegmentSummary[] summary) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentWriter writer = new SegmentWriter(out, codec, Codec.DEFAULT_ZSTD_LEVEL, 4 * 1024, Runnable::run, key);
    for (BackupRecord r : records) {
      writer.append(r);
    }
    summary[0] = writer.finish();
    return out.toByteArray();
  }

  private static List<BackupRecord> read(byte[] bytes, String sha, DataKeys keys) {
    List<BackupRecord> read = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open("seg", new ByteArrayInputStream(bytes), sha, keys)) {
      reader.forEachRemaining(read::add);
    }
    return read;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void anEncryptedSegmentRoundTripsAndHoldsNoPlaintext(Codec codec) throws Exception {
    List<BackupRecord> records = records(500);
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records, codec, summary);
    assertTrue(summary[0].encrypted());
    assertTrue(summary[0].blockCount() > 3, "several blocks: " + summary[0].blockCount());
    assertEquals(2, bytes[4], "format version 2");
    assertEquals(records, read(bytes, summary[0].sha256(), keys));
    // Neither the records nor the headers' bytes appear anywhere in the object (none compressed, either).
    assertEquals(-1, indexOf(bytes, Arrays.copyOf(MARKER, 12)));
    assertEquals(-1, indexOf(bytes, "key-1".getBytes(StandardCharsets.UTF_8)));
    SegmentSummary verified = SegmentReader.verify("seg", new ByteArrayInputStream(bytes), summary[0].sha256(), keys);
    assertEquals(summary[0], verified);
  }

  @Test
  void withoutKeysTheStructureIsVerifiedButNoRecordIsRead() throws Exception {
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records(300), Codec.ZSTD, summary);
    SegmentSummary structure = SegmentReader.verify("seg", new ByteArrayInputStream(bytes), summary[0].sha256(), null);
    assertEquals(summary[0], structure);
    SegmentKeyException e = assertThrows(SegmentKeyException.class,
        () -> SegmentReader.open("seg-a", new ByteArrayInputStream(bytes), summary[0].sha256()));
    assertTrue(e.getMessage().contains("seg-a") && e.getMessage().contains(key.idHex()), e.getMessage());
    // A flipped byte is still found without the key: the block's CRC32C covers the ciphertext.
    byte[] flipped = bytes.clone();
    flipped[40] ^= 1;
    assertThrows(CorruptSegmentException.class,
        () -> SegmentReader.verify("seg", new ByteArrayInputStream(flipped), null, null));
  }

  @Test
  void aTamperedBlockWithAFixedCrcFailsItsTag() throws Exception {
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records(300), Codec.NONE, summary);
    List<int[]> blocks = blocks(bytes);
    int[] second = blocks.get(1);
    bytes[second[0] + 17 + 5] ^= 0x40;
    fixCrc(bytes, second);
    CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> read(bytes, null, keys));
    assertTrue(e.getMessage().contains("block 1") && e.getMessage().contains("authentication tag")
        && e.getMessage().contains(key.idHex()), e.getMessage());
  }

  @Test
  void swappedBlocksFailTheirTags() throws Exception {
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records(300), Codec.NONE, summary);
    List<int[]> blocks = blocks(bytes);
    int[] a = blocks.get(1);
    int[] b = blocks.get(2);
    byte[] swapped = new byte[bytes.length];
    int pos = 0;
    System.arraycopy(bytes, 0, swapped, 0, a[0]);
    pos += a[0];
    System.arraycopy(bytes, b[0], swapped, pos, b[1]);
    pos += b[1];
    System.arraycopy(bytes, a[0], swapped, pos, a[1]);
    pos += a[1];
    System.arraycopy(bytes, b[0] + b[1], swapped, pos, bytes.length - b[0] - b[1]);
    CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> read(swapped, null, keys));
    assertTrue(e.getMessage().contains("block 1") && e.getMessage().contains("authentication tag"), e.getMessage());
  }

  @Test
  void aBlockMovedFromAnotherSegmentFailsItsTag() throws Exception {
    // Each segment has a data key of its own: a block from another segment, at the same index and of the
    // same shape, is sealed under another key and another header.
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] one = write(records(300), Codec.NONE, summary);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentWriter writer = new SegmentWriter(out, Codec.NONE, 0, 4 * 1024, Runnable::run, DataKey.generate());
    for (BackupRecord r : records(300)) {
      writer.append(r);
    }
    writer.finish();
    byte[] two = out.toByteArray();
    int[] a = blocks(one).get(1);
    int[] b = blocks(two).get(1);
    assertEquals(a[1], b[1], "blocks of the same shape");
    System.arraycopy(two, b[0], one, a[0], a[1]);
    CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> read(one, null, keys));
    assertTrue(e.getMessage().contains("block 1") && e.getMessage().contains("authentication tag"), e.getMessage());
  }

  @Test
  void aSegmentCutShortWithAForgedFooterFailsTheFooterTag() throws Exception {
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records(300), Codec.NONE, summary);
    List<int[]> blocks = blocks(bytes);
    int[] last = blocks.get(blocks.size() - 1);
    // Drop the last block and write a footer whose figures (and CRC) match what is left.
    byte[] head = Arrays.copyOf(bytes, last[0]);
    List<BackupRecord> kept = new ArrayList<>();
    try (SegmentReader reader = SegmentReader.open("seg", new ByteArrayInputStream(bytes), null, keys)) {
      reader.forEachRemaining(kept::add);
    }
    int keptRecords = kept.size() - ByteBuffer.wrap(bytes, last[0] + 1, 4).getInt();
    kept = kept.subList(0, keptRecords);
    long uncompressed = 0;
    for (int[] block : blocks.subList(0, blocks.size() - 1)) {
      uncompressed += ByteBuffer.wrap(bytes, block[0] + 5, 4).getInt();
    }
    ByteBuffer footer = ByteBuffer.allocate(53 + 4 + 16 + 4);
    footer.put((byte) 'F').putLong(kept.get(0).offset()).putLong(kept.get(kept.size() - 1).offset())
        .putLong(kept.size()).putLong(kept.stream().mapToLong(BackupRecord::timestamp).min().orElseThrow())
        .putLong(kept.stream().mapToLong(BackupRecord::timestamp).max().orElseThrow()).putLong(uncompressed)
        .putInt(blocks.size() - 1);
    CRC32C crc = new CRC32C();
    crc.update(footer.array(), 0, 53);
    footer.putInt((int) crc.getValue()).put(new byte[16]).put("KBSE".getBytes(StandardCharsets.US_ASCII));
    byte[] forged = ByteBuffer.allocate(head.length + footer.capacity()).put(head).put(footer.array()).array();
    CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> read(forged, null, keys));
    assertTrue(e.getMessage().contains("footer fails its authentication tag"), e.getMessage());
  }

  @Test
  void theWrongDataKeyIsRefusedAndAKeyServiceFailureIsTyped() throws Exception {
    SegmentSummary[] summary = new SegmentSummary[1];
    byte[] bytes = write(records(50), Codec.LZ4, summary);
    DataKey other = DataKey.generate();
    SegmentKeyException mismatch = assertThrows(SegmentKeyException.class, () -> read(bytes, null, (s, id) -> other));
    assertTrue(mismatch.getMessage().contains(other.idHex()), mismatch.getMessage());
    DataKey sameIdOtherKey = new DataKey(key.id(), other.keyBytes());
    CorruptSegmentException wrong = assertThrows(CorruptSegmentException.class,
        () -> read(bytes, null, (s, id) -> sameIdOtherKey));
    assertTrue(wrong.getMessage().contains("block 0"), wrong.getMessage());
    SegmentKeyException down = assertThrows(SegmentKeyException.class, () -> read(bytes, null, (s, id) -> {
      throw new SegmentKeyException(s, "the key service is unreachable", null);
    }));
    assertTrue(down.getMessage().contains("seg"), down.getMessage());
    assertFalse(key.toString().contains(java.util.HexFormat.of().formatHex(key.keyBytes())));
  }

  /** Each block's start and length (header included), walking the segment. */
  private static List<int[]> blocks(byte[] bytes) {
    List<int[]> blocks = new ArrayList<>();
    int pos = 24;
    while (bytes[pos] == 'B') {
      int storedLength = ByteBuffer.wrap(bytes, pos + 9, 4).getInt();
      blocks.add(new int[] {pos, 17 + storedLength});
      pos += 17 + storedLength;
    }
    return blocks;
  }

  private static void fixCrc(byte[] bytes, int[] block) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, block[0] + 17, block[1] - 17);
    ByteBuffer.wrap(bytes, block[0] + 13, 4).putInt((int) crc.getValue());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
