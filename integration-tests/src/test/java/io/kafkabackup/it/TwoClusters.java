package io.kafkabackup.it;

import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What a backup-then-restore contract needs: a source and a target cluster for the class, and a fresh
 * storage of the provider under test for each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
abstract class TwoClusters {
  protected KafkaBroker source;
  protected KafkaBroker target;
  protected StorageBackend storage;
  /** The configuration {@link #storage} was opened with, for tests that open it again (the CLI). */
  protected Map<String, String> storageSettings;

  /** A fresh, empty storage configuration for one test. */
  protected abstract Map<String, String> storageConfig();

  @BeforeAll
  void startBrokers() {
    source = KafkaBroker.start();
    target = KafkaBroker.start();
  }

  @AfterAll
  void stopBrokers() {
    source.close();
    target.close();
  }

  @BeforeEach
  void openStorage() {
    storageSettings = storageConfig();
    storage = StorageUnderTest.open(storageSettings);
  }

  @AfterEach
  void closeStorage() {
    storage.close();
  }
}
