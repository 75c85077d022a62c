package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Envelope encryption on the S3 provider, against an embedded S3Proxy. */
class S3EncryptionTest extends EncryptionContract {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.s3(S3.endpoint());
  }
}
