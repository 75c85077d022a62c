package io.kafkabackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An object over 256 MiB with the default tuning. Tagged {@code heavy}: {@code -Pquick} leaves it out. */
@Tag("heavy")
class S3LargeObjectTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @Test
  void anObjectOver256MiBIsAMultipartUploadAndComesBackIntact() throws IOException {
    String bucket = S3TestSupport.createBucket(S3.endpoint());
    long size = 300L * 1024 * 1024 + 17;
    try (StorageBackend backend = S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket,
        "storage.s3.part-size", null, "storage.s3.single-put-threshold", null, "storage.s3.download-part-size", null))) {
      backend.put(ObjectKey.of("segment.log"), new RandomStream(size, 1), StorageBackend.UNKNOWN_LENGTH,
          PutOptions.overwrite());
      assertEquals(size, backend.stat(ObjectKey.of("segment.log")).size());
      try (InputStream in = backend.openStream(ObjectKey.of("segment.log"))) {
        assertEquals(Digests.sha256(new RandomStream(size, 1)), Digests.sha256(in));
      }
    }
  }
}
