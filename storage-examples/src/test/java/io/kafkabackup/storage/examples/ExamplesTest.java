package io.kafkabackup.storage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.testkit.AzuriteServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo works, and the configuration reference in docs/ is what the providers declare. */
class ExamplesTest {
  private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

  @Test
  void configurationReferenceMatchesTheProvidersDeclarations() throws IOException {
    String expected = ConfigurationReference.markdown(StorageBackends.providers());
    if (Boolean.getBoolean("kbs.updateDocs")) {
      Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
    }
    assertEquals(expected, Files.readString(REFERENCE, StandardCharsets.UTF_8),
        "docs/configuration.md is stale: run ./mvnw -q -pl storage-examples -am verify -Dkbs.updateDocs=true "
            + "-Dtest=ExamplesTest -Dsurefire.failIfNoSpecifiedTests=false");
  }

  @Test
  void theDemoRunsEndToEndOnTheEmbeddedDefault() throws IOException {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    for (String expected : new String[] {"opened filesystem backend", "create-only refused", "if-match refused",
        "top level: [manifest.json, topics/]", "objects left: 0", "demo finished"}) {
      assertTrue(output.contains(expected), expected + " missing from:\n" + output);
    }
  }

  @Test
  void theKafkaWalkThroughBacksUpRestoresAndComparesEveryRecord() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      KafkaBackupDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    for (String expected : new String[] {"backup demo-backup complete: 3,400 records", "demo-backup  snapshot  complete",
        "all intact", "restore demo-backup of backup demo-backup: 3,400 records", "consumer group offsets set: billing",
        "compared 3400 records: every restored record equals its source", "demo finished"}) {
      assertTrue(output.contains(expected), expected + " missing from:\n" + output);
    }
  }

  @Test
  void theSameWalkThroughRunsAgainstAzuriteByChangingTheStorageSection(@TempDir Path dir) throws Exception {
    try (AzuriteServer azurite = AzuriteServer.builder().start()) {
      Path config = dir.resolve("azure.yaml");
      Files.writeString(config, "storage:\n  backend: azure\n  azure:\n    account-name: " + azurite.endpoint().accountName()
          + "\n    account-key: " + azurite.endpoint().accountKey() + "\n    endpoint: " + azurite.endpoint().blobEndpoint()
          + "\n    container: demo\n    create-container: true\n", StandardCharsets.UTF_8);
      PrintStream original = System.out;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        KafkaBackupDemo.main(new String[] {config.toString()});
      } finally {
        System.setOut(original);
      }
      String output = captured.toString(StandardCharsets.UTF_8);
      assertTrue(output.contains("compared 3400 records: every restored record equals its source"), output);
      assertTrue(output.contains("the backup is in the storage of " + config), output);
      assertFalse(output.contains(azurite.endpoint().accountKey()), "the account key is never printed");
    }
  }
}
