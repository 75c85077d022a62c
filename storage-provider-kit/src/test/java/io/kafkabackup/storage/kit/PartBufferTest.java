package io.kafkabackup.storage.kit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Part buffers: chunked below G1's humongous threshold, and the same bytes out whichever way a client reads them. */
class PartBufferTest {

  @Test
  void holdsAPartInSmallChunksAndGivesTheSameBytesEveryWay() throws Exception {
    byte[] data = new byte[3 * PartBuffer.CHUNK + 12345];
    new Random(7).nextBytes(data);
    ConcurrentLinkedQueue<byte[]> pool = new ConcurrentLinkedQueue<>();
    PartBuffer buffer = new PartBuffer(data.length, 1000, pool);
    int taken = 0;
    for (int step = 1; taken < data.length; step = step * 3 % 70_001 + 1) {
      taken += buffer.write(data, taken, Math.min(step, data.length - taken));
    }
    assertTrue(buffer.isFull());
    assertEquals(0, buffer.write(new byte[10], 0, 10), "a full buffer takes nothing more");
    assertEquals(data.length, buffer.length());
    int chunks = 0;
    int fullSize = 0;
    for (ByteBuffer b : buffer.byteBuffers()) {
      assertTrue(b.capacity() <= PartBuffer.CHUNK, "chunk of " + b.capacity());
      assertTrue(b.isReadOnly());
      chunks++;
      fullSize += b.capacity() == PartBuffer.CHUNK ? 1 : 0;
    }
    assertTrue(fullSize >= 1, "chunks grow to the full size");
    assertTrue(chunks > 4, "the first chunks start small and double: " + chunks);
    assertArrayEquals(data, buffer.toArray());
    assertArrayEquals(data, readAll(buffer.inputStream()));
    assertArrayEquals(data, readAll(buffer.inputStream()), "a second stream, as for a retried request");
    assertArrayEquals(MessageDigest.getInstance("MD5").digest(data), buffer.md5());

    buffer.release();
    assertEquals(0, buffer.length());
    assertEquals(fullSize, pool.size(), "the full-size chunks go back to the pool");
    PartBuffer next = new PartBuffer(PartBuffer.CHUNK, PartBuffer.CHUNK, pool);
    next.write(data, 0, 10);
    assertEquals(fullSize - 1, pool.size(), "and are reused");
  }

  @Test
  void anEmptyBufferIsAnEmptyBody() throws IOException {
    PartBuffer empty = new PartBuffer(0, 1, new ConcurrentLinkedQueue<>());
    assertEquals(0, empty.length());
    assertTrue(empty.byteBuffers().isEmpty());
    assertEquals(-1, empty.inputStream().read());
    assertEquals(0, empty.toArray().length);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[7777];
    for (int n; (n = in.read(b, 0, b.length)) >= 0; ) {
      out.write(b, 0, n);
    }
    return out.toByteArray();
  }
}
