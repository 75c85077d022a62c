package io.kafkabackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  @TempDir
  Path dir;

  @Test
  void variablesAreSubstitutedWithDefaultsAndMissingOnesNamedWithTheirLine() {
    ConfigFile file = ConfigFile.parse("f.yaml", "storage:\n  backend: ${B}\n  prefix: ${P:-prod}\n", Map.of("B", "s3"));
    Map<String, String> storage = StorageSection.resolve(file.section("storage"), dir, Map.of());
    assertEquals(Map.of("storage.backend", "s3", "storage.prefix", "prod"), storage);
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigFile.parse("f.yaml", "kafka:\n\n  x: ${MISSING}\n", Map.of()));
    assertTrue(e.getMessage().contains("f.yaml line 3") && e.getMessage().contains("MISSING"), e.getMessage());
  }

  @Test
  void nestedAndDottedStorageKeysFlattenToTheSameKeys() {
    ConfigFile nested = ConfigFile.parse("f", "storage:\n  backend: azure\n  azure:\n    account-name: a\n", Map.of());
    ConfigFile dotted = ConfigFile.parse("f", "storage:\n  storage.backend: azure\n  storage.azure.account-name: a\n",
        Map.of());
    assertEquals(StorageSection.resolve(nested.section("storage"), dir, Map.of()),
        StorageSection.resolve(dotted.section("storage"), dir, Map.of()));
  }

  @Test
  void anEncryptionBlockBecomesStorageEncryptionKeysInBothForms() {
    String encryption = "  encryption:\n    kek: azure-key-vault\n    azure-key-vault:\n"
        + "      key-id: https://v.vault.azure.net/keys/k\n";
    Map<String, String> crd = StorageSection.resolve(ConfigFile.parse("f", "storage:\n  storageType: azure\n"
        + "  azure:\n    accountName: acct\n    container: c\n" + encryption, Map.of()).section("storage"), dir, Map.of());
    Map<String, String> ours = StorageSection.resolve(ConfigFile.parse("f", "storage:\n  backend: azure\n"
        + encryption, Map.of()).section("storage"), dir, Map.of());
    for (Map<String, String> keys : List.of(crd, ours)) {
      assertEquals("azure-key-vault", keys.get("storage.encryption.kek"), keys.toString());
      assertEquals("https://v.vault.azure.net/keys/k", keys.get("storage.encryption.azure-key-vault.key-id"));
    }
  }

  @Test
  void theOperatorsCrdBlockMapsToAzureWithItsSecretFromTheEnvironmentOrAMountedFile() throws Exception {
    String yaml = "storage:\n  storageType: azure\n  azure:\n    accountName: acct\n    container: backups\n"
        + "    prefix: prod\n    useWorkloadIdentity: true\n    credentialsSecret:\n      name: azure-creds\n"
        + "      accountKeyKey: accountKey\n";
    Map<String, String> fromEnv = StorageSection.resolve(ConfigFile.parse("f", yaml, Map.of()).section("storage"), dir,
        Map.of("AZURE_CREDS_ACCOUNTKEY", "c2VjcmV0"));
    assertEquals("azure", fromEnv.get("storage.backend"));
    assertEquals("acct", fromEnv.get("storage.azure.account-name"));
    assertEquals("backups", fromEnv.get("storage.azure.container"));
    assertEquals("prod", fromEnv.get("storage.prefix"));
    assertEquals("workload-identity", fromEnv.get("storage.azure.auth"));
    assertEquals("c2VjcmV0", fromEnv.get("storage.azure.account-key"));

    Files.createDirectories(dir.resolve("azure-creds"));
    Files.writeString(dir.resolve("azure-creds").resolve("accountKey"), "ZmlsZQ==\n");
    Map<String, String> fromFile = StorageSection.resolve(ConfigFile.parse("f", yaml, Map.of()).section("storage"), dir,
        Map.of());
    assertEquals("ZmlsZQ==", fromFile.get("storage.azure.account-key"));

    ConfigException missing = assertThrows(ConfigException.class, () -> StorageSection.resolve(
        ConfigFile.parse("f", yaml, Map.of()).section("storage"), dir.resolve("nowhere"), Map.of()));
    assertTrue(missing.getMessage().contains("line 10") && missing.getMessage().contains("AZURE_CREDS_ACCOUNTKEY"),
        missing.getMessage());
  }

  @Test
  void crdMistakesNameTheKeyAndLine() {
    ConfigException typo = assertThrows(ConfigException.class, () -> StorageSection.resolve(ConfigFile.parse("f",
        "storage:\n  storageType: azure\n  azure:\n    acountName: a\n", Map.of()).section("storage"), dir, Map.of()));
    assertTrue(typo.getMessage().contains("line 4") && typo.getMessage().contains("did you mean 'accountName'"),
        typo.getMessage());
    ConfigException type = assertThrows(ConfigException.class, () -> StorageSection.resolve(ConfigFile.parse("f",
        "storage:\n  storageType: gcs\n", Map.of()).section("storage"), dir, Map.of()));
    assertTrue(type.getMessage().contains("line 2") && type.getMessage().contains("expected azure, s3 or filesystem"),
        type.getMessage());
  }

  @Test
  void unknownSectionsAndBadYamlAreConfigurationErrors() {
    ConfigException section = assertThrows(ConfigException.class,
        () -> ConfigFile.parse("f", "storage: {}\nbakup:\n  id: x\n", Map.of()));
    assertTrue(section.getMessage().contains("line 2") && section.getMessage().contains("did you mean 'backup'"),
        section.getMessage());
    ConfigException yaml = assertThrows(ConfigException.class,
        () -> ConfigFile.parse("f", "storage:\n  backend: [unclosed\n", Map.of()));
    assertTrue(yaml.getMessage().contains("not valid YAML"), yaml.getMessage());
  }
}
