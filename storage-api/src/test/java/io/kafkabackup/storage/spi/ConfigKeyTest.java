package io.kafkabackup.storage.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyPrefix;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {
  private static final ConfigKey SIZE = ConfigKey.builder("block-size", ConfigKey.Type.SIZE).range(1, 1L << 32).build();
  private static final ConfigKey TIMEOUT = ConfigKey.builder("timeout", ConfigKey.Type.DURATION).build();
  private static final ConfigKey SECRET = ConfigKey.builder("account-key", ConfigKey.Type.STRING).secret().build();

  @Test
  void parsesSizesInBinaryAndDecimalUnits() {
    assertEquals(8388608L, SIZE.parse("k", "8388608"));
    assertEquals(8L << 20, SIZE.parse("k", "8MiB"));
    assertEquals(8L << 20, SIZE.parse("k", "8m"));
    assertEquals(256L << 10, SIZE.parse("k", "256 KiB"));
    assertEquals(100_000_000L, SIZE.parse("k", "100MB"));
    assertEquals(1L << 30, SIZE.parse("k", "1GiB"));
  }

  @Test
  void parsesDurationsWithUnitsOrIso8601() {
    assertEquals(Duration.ofMillis(500), TIMEOUT.parse("k", "500ms"));
    assertEquals(Duration.ofSeconds(30), TIMEOUT.parse("k", "30s"));
    assertEquals(Duration.ofMinutes(5), TIMEOUT.parse("k", "5m"));
    assertEquals(Duration.ofSeconds(30), TIMEOUT.parse("k", "PT30S"));
  }

  @Test
  void errorsNameTheKeyAndWhatIsExpected() {
    InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
        () -> SIZE.parse("storage.azure.block-size", "8 bananas"));
    assertEquals("storage.azure.block-size", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("storage.azure.block-size") && e.getMessage().contains("8MiB"), e.getMessage());
    e = assertThrows(InvalidConfigurationException.class, () -> SIZE.parse("storage.x.block-size", "0"));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e = assertThrows(InvalidConfigurationException.class, () -> TIMEOUT.parse("storage.x.timeout", "30"));
    assertTrue(e.getMessage().contains("30s"), e.getMessage());
  }

  @Test
  void secretValuesNeverAppearInErrorsOrToString() {
    ConfigKey port = ConfigKey.builder("port", ConfigKey.Type.INT).secret().build();
    InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
        () -> port.parse("storage.x.port", "hunter2"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());

    StorageConfig config = new StorageConfig("azure", KeyPrefix.of("prod"), Map.of(
        SECRET, new StorageConfig.Value("c2VjcmV0LWtleQ==", StorageConfig.Source.ENVIRONMENT, "AZURE_STORAGE_KEY")), null);
    assertFalse(config.toString().contains("c2VjcmV0LWtleQ=="), config.toString());
    assertTrue(config.toString().contains("storage.azure.account-key=****"), config.toString());
    assertTrue(config.toString().contains("AZURE_STORAGE_KEY"), config.toString());
  }

  @Test
  void urlsMustBeAbsoluteAndChoicesListed() {
    ConfigKey url = ConfigKey.builder("endpoint", ConfigKey.Type.URL).build();
    assertEquals(URI.create("http://127.0.0.1:10000/devstoreaccount1"), url.parse("k", "http://127.0.0.1:10000/devstoreaccount1"));
    assertThrows(InvalidConfigurationException.class, () -> url.parse("k", "not a url"));
    ConfigKey mode = ConfigKey.builder("auth", ConfigKey.Type.CHOICE).oneOf("key", "sas").build();
    assertEquals("sas", mode.parse("k", "SAS"));
    InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> mode.parse("k", "oauth"));
    assertTrue(e.getMessage().contains("[key, sas]"), e.getMessage());
  }
}
