package io.kafkabackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkabackup.storage.ByteRange;
import org.junit.jupiter.api.Test;

/** The HTTP rendering of ranges, which lives with the one provider that sends it. */
class S3ReaderTest {
  @Test
  void rangesRenderAsHttpRangeHeaders() {
    assertEquals("bytes=0-99", S3Reader.rangeHeader(ByteRange.of(0, 100)));
    assertEquals("bytes=5368709120-", S3Reader.rangeHeader(ByteRange.from(5L << 30)));
  }
}
