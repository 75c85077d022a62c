package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Crash tests on the S3 provider: the forked jobs write to this JVM's S3Proxy. */
class S3CrashTest extends CrashContract {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @Override
  protected Map<String, String> storageConfig(String name) {
    return StorageUnderTest.s3(S3.endpoint());
  }
}
