package io.kafkabackup.it;

import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connectors on a Connect cluster against S3Proxy: the forked workers reach this JVM's server. */
class S3ConnectTest extends ConnectContract {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @Override
  protected Map<String, String> storageConfig(String name) {
    return StorageUnderTest.s3(S3.endpoint());
  }
}
