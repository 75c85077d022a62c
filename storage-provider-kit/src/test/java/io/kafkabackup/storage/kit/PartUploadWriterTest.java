package io.kafkabackup.storage.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many part buffers an upload holds for a heap. */
class PartUploadWriterTest {
  private static final long MIB = 1024 * 1024;

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
}
