package io.kafkabackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.WrappedKey;
import io.kafkabackup.storage.testkit.KmsStandIn;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The aws-kms key-encryption provider through the AWS SDK's KMS client, against the KMS stand-in. */
class KmsKeyWrapperTest {
  private static final String SECRET = "kms-test-secret-key-value";
  private KmsStandIn kms;

  @BeforeEach
  void start() throws Exception {
    kms = new KmsStandIn("eu-west-1", "AKIDKMSTEST");
  }

  @AfterEach
  void stop() {
    kms.close();
  }

  private Map<String, String> config(String keyId) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.encryption.kek", "aws-kms");
    c.put("storage.encryption.aws-kms.key-id", keyId);
    c.put("storage.encryption.aws-kms.region", "eu-west-1");
    c.put("storage.encryption.aws-kms.endpoint", kms.endpoint().toString());
    c.put("storage.encryption.aws-kms.access-key-id", "AKIDKMSTEST");
    c.put("storage.encryption.aws-kms.secret-access-key", SECRET);
    c.put("storage.encryption.aws-kms.request-timeout", "3s");
    c.put("storage.encryption.aws-kms.max-retries", "1");
    return c;
  }

  private KeyWrapper open(Map<String, String> config) {
    return KeyWrappers.open(config, Map.of(), getClass().getClassLoader()).orElseThrow();
  }

  @Test
  void wrapsUnderTheAliasAndUnwrapsByTheRecordedArnAfterTheAliasMoves() {
    String first = kms.createKey();
    kms.alias("alias/kafka-backup", first);
    byte[] dataKey = new byte[32];
    dataKey[3] = 7;
    WrappedKey wrapped;
    try (KeyWrapper wrapper = open(config("alias/kafka-backup"))) {
      wrapped = wrapper.wrap(dataKey);
      assertEquals(first, wrapped.keyId(), "the ARN is recorded, not the alias");
      assertFalse(wrapper.toString().contains(SECRET));
      String second = kms.createKey();
      kms.alias("alias/kafka-backup", second);
      assertEquals(second, wrapper.wrap(dataKey).keyId());
      assertArrayEquals(dataKey, wrapper.unwrap(wrapped.keyId(), wrapped.bytes()));
    }
  }

  @Test
  void aDisabledKeyAnotherKeyAndAnAlteredBlobAreTypedErrorsNamingTheKey() {
    String arn = kms.createKey();
    try (KeyWrapper wrapper = open(config(arn))) {
      WrappedKey wrapped = wrapper.wrap(new byte[32]);
      String other = kms.createKey();
      KeyUnavailableException incorrect = assertThrows(KeyUnavailableException.class,
          () -> wrapper.unwrap(other, wrapped.bytes()));
      assertTrue(incorrect.getMessage().contains("IncorrectKeyException") && incorrect.getMessage().contains(other),
          incorrect.getMessage());
      byte[] altered = wrapped.bytes();
      altered[altered.length - 1] ^= 1;
      KeyUnavailableException invalid = assertThrows(KeyUnavailableException.class, () -> wrapper.unwrap(arn, altered));
      assertTrue(invalid.getMessage().contains("InvalidCiphertextException"), invalid.getMessage());
      kms.enabled(arn, false);
      KeyUnavailableException disabled = assertThrows(KeyUnavailableException.class,
          () -> wrapper.unwrap(arn, wrapped.bytes()));
      assertTrue(disabled.getMessage().contains("DisabledException") && !disabled.isRetryable(), disabled.getMessage());
      assertEquals(arn, disabled.keyId());
      assertFalse(disabled.getMessage().contains(SECRET));
    }
  }

  @Test
  void theWrongCredentialsAndAnUnreachableServiceFailWithinTheTimeout() {
    String arn = kms.createKey();
    Map<String, String> wrongUser = config(arn);
    wrongUser.put("storage.encryption.aws-kms.access-key-id", "AKIDSOMEONEELSE");
    try (KeyWrapper wrapper = open(wrongUser)) {
      KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> wrapper.wrap(new byte[32]));
      assertTrue(e.getMessage().contains("UnrecognizedClientException"), e.getMessage());
    }
    try (KeyWrapper wrapper = open(config(arn))) {
      WrappedKey wrapped = wrapper.wrap(new byte[32]);
      kms.close();
      long started = System.nanoTime();
      KeyUnavailableException down = assertThrows(KeyUnavailableException.class,
          () -> wrapper.unwrap(arn, wrapped.bytes()));
      assertTrue(down.isRetryable() && down.getMessage().contains("unreachable"), down.getMessage());
      assertTrue(System.nanoTime() - started < 30_000_000_000L, "bounded by the request timeout");
    }
  }

  @Test
  void configurationErrorsNameTheKey() {
    Map<String, String> noKey = config("x");
    noKey.remove("storage.encryption.aws-kms.key-id");
    InvalidConfigurationException missing = assertThrows(InvalidConfigurationException.class, () -> open(noKey));
    assertEquals("storage.encryption.aws-kms.key-id", missing.configKey().orElseThrow());
    Map<String, String> halfCredentials = config("x");
    halfCredentials.remove("storage.encryption.aws-kms.secret-access-key");
    assertThrows(InvalidConfigurationException.class, () -> open(halfCredentials));
    Map<String, String> plainHttp = config("x");
    plainHttp.put("storage.encryption.aws-kms.endpoint", "http://kms.example.com");
    InvalidConfigurationException http = assertThrows(InvalidConfigurationException.class, () -> open(plainHttp));
    assertEquals("storage.encryption.aws-kms.endpoint", http.configKey().orElseThrow());
    Map<String, String> typo = config("x");
    typo.put("storage.encryption.aws-kms.key-idd", "y");
    InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class, () -> open(typo));
    assertTrue(unknown.getMessage().contains("did you mean 'storage.encryption.aws-kms.key-id'"), unknown.getMessage());
    InvalidConfigurationException masked = assertThrows(InvalidConfigurationException.class,
        () -> open(Map.of("storage.encryption.kek", "aws-kms", "storage.encryption.aws-kms.key-id", "k",
            "storage.encryption.aws-kms.access-key-id", "A", "storage.encryption.aws-kms.secret-access-key", SECRET,
            "storage.encryption.aws-kms.max-retries", "many")));
    assertFalse(masked.getMessage().contains(SECRET));
  }
}
