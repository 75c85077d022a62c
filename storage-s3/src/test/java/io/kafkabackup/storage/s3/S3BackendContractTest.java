package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.tck.StorageBackendContractTest;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract test kit against an embedded S3Proxy, with 5 MiB parts so large objects are multipart. */
class S3BackendContractTest extends StorageBackendContractTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();
  private static String bucket;

  @BeforeAll
  static void createBucket() {
    bucket = S3TestSupport.createBucket(S3.endpoint());
  }

  @Override
  protected StorageBackend openBackend(KeyPrefix prefix) {
    return S3TestSupport.open(S3TestSupport.config(S3.endpoint(), bucket, "storage.prefix", prefix.toString()));
  }

  @Override
  protected String serverWithoutAtomicIfMatch() {
    return "S3Proxy 4.1 reads the current etag and then writes, without a lock, so concurrent If-Match PUTs "
        + "can all pass; AWS S3 evaluates If-Match atomically";
  }

  @Override
  protected long largeObjectSize() {
    return 12L * 1024 * 1024 + 7;
  }
}
