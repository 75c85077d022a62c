package io.kafkabackup.storage.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How many part buffers an upload holds, alone and next to other uploads. */
class PartUploadWriterTest {
  private static final long MIB = 1024 * 1024;
  private static final int PART = 64 * 1024;
  private static final int WRITERS = 6;

  @Test
  void partsInFlightFollowTheConfigurationWhereTheHeapHoldsThem() {
    assertEquals(5, PartUploadWriter.bufferCount(4, 8 * MIB, 1024 * MIB));
    assertEquals(5, PartUploadWriter.bufferCount(4, 8 * MIB, 80 * MIB));
  }

  @Test
  void aSmallHeapGetsFewerPartsInFlightButAlwaysTwo() {
    assertEquals(4, PartUploadWriter.bufferCount(4, 8 * MIB, 64 * MIB));
    assertEquals(2, PartUploadWriter.bufferCount(4, 8 * MIB, 32 * MIB));
    assertEquals(2, PartUploadWriter.bufferCount(4, 64 * MIB, 64 * MIB));
    assertEquals(2, PartUploadWriter.bufferCount(1, 8 * MIB, 1024 * MIB), "one in flight, one filling");
  }

  @Test
  void concurrentUploadsTakeNoBufferBeyondTheirFirstOnceTheBudgetIsUsed() throws Exception {
    // Room for two parts: the six uploads' first buffers alone exceed it, so after those only what was
    // taken before they started can be spare; without the budget each upload would hold five buffers.
    PartBufferBudget budget = new PartBufferBudget(2L * PART);
    long peak = uploadConcurrently(budget);
    assertTrue(peak <= (WRITERS + 2L) * PART, "bytes of buffers held at once: " + peak);
    assertEquals(0, budget.used(), "every byte is given back once the uploads are over");
  }

  @Test
  void concurrentUploadsUseTheRoomTheBudgetHas() throws Exception {
    PartBufferBudget budget = new PartBufferBudget(1000L * PART);
    long peak = uploadConcurrently(budget);
    assertTrue(peak > WRITERS * (long) PART, "uploads hold more than one buffer when there is room: " + peak);
    assertEquals(0, budget.used());
  }

  /** Six uploads of twenty parts at once; checks every one's bytes, returns the budget's peak. */
  private static long uploadConcurrently(PartBufferBudget budget) throws Exception {
    AtomicLong peak = new AtomicLong();
    ExecutorService parts = Executors.newFixedThreadPool(8);
    ExecutorService callers = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<byte[][]>> results = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int seed = w;
        results.add(callers.submit(() -> {
          byte[] data = new byte[PART * 20 + 123];
          new Random(seed).nextBytes(data);
          MemoryWriter writer = new MemoryWriter(PART, parts, budget, peak);
          for (int off = 0; off < data.length; off += 10_000) {
            writer.write(data, off, Math.min(10_000, data.length - off));
          }
          writer.close();
          return new byte[][] {data, writer.stored()};
        }));
      }
      for (Future<byte[][]> r : results) {
        byte[][] pair = r.get(60, TimeUnit.SECONDS);
        assertArrayEquals(pair[0], pair[1], "every upload completes with its bytes, in order");
      }
      return peak.get();
    } finally {
      parts.shutdownNow();
      callers.shutdownNow();
    }
  }

  /** An upload into memory whose parts take a moment, recording the budget's peak. */
  private static final class MemoryWriter extends PartUploadWriter {
    private final Map<Integer, byte[]> uploaded = new ConcurrentSkipListMap<>();
    private final PartBufferBudget budget;
    private final AtomicLong peak;

    MemoryWriter(int partSize, ExecutorService pool, PartBufferBudget budget, AtomicLong peak) {
      super(ObjectKey.of("k"), new PartTuning(partSize, 4, partSize), new PartLimits(10_000, 1L << 30), -1, pool,
          budget);
      this.budget = budget;
      this.peak = peak;
    }

    byte[] stored() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      uploaded.values().forEach(out::writeBytes);
      return out.toByteArray();
    }

    @Override
    protected ObjectMetadata putWhole(byte[] data, int length) {
      throw new AssertionError("these uploads are larger than one part");
    }

    @Override
    protected void uploadPart(int index, byte[] data, int length) throws Exception {
      peak.accumulateAndGet(budget.used(), Math::max);
      TimeUnit.MILLISECONDS.sleep(2);
      uploaded.put(index, Arrays.copyOf(data, length));
    }

    @Override
    protected ObjectMetadata completeParts(int partCount, long size) {
      return new ObjectMetadata(key(), size, "etag", Instant.now(), "application/octet-stream", Map.of());
    }

    @Override
    protected void abortParts() {
    }

    @Override
    protected StorageException translate(Throwable failure) {
      return new StorageException(failure.getMessage(), failure);
    }
  }
}
