package io.kafkabackup.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the compiled classes of every module on this classpath: the storage
 * API knows no provider, SDK, HTTP stack or provider kit; the kit knows no provider or SDK; providers do
 * not know each other; the backup engine, the
 * cache, the CLI and the Connect plugin reach storage only through the API; the backup format and the cache
 * know no Kafka; the connectors write and read backups only through the engine the CLI uses.
 * A violation fails {@code ./mvnw verify} naming the class and the dependency.
 */
class ArchitectureTest {
  private static final String[] API = {"io.kafkabackup.storage", "io.kafkabackup.storage.spi",
      "io.kafkabackup.storage.layer"};
  private static final String[] PROVIDERS = {"io.kafkabackup.storage.azure..", "io.kafkabackup.storage.s3..",
      "io.kafkabackup.storage.filesystem.."};
  private static final String[] SDKS_AND_HTTP = {"com.azure..", "software.amazon..", "io.netty..", "reactor..",
      "org.apache.http..", "java.net.http.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.kafkabackup");
  }

  @Test
  void theStorageApiKnowsNoProviderSdkOrHttpStack() {
    noClasses().that().resideInAnyPackage(API).should().dependOnClassesThat().resideInAnyPackage(PROVIDERS)
        .orShould().dependOnClassesThat().resideInAnyPackage(SDKS_AND_HTTP)
        .orShould().dependOnClassesThat().resideInAnyPackage("io.kafkabackup.backup..", "io.kafkabackup.cache..",
            "io.kafkabackup.cli..", "org.apache.kafka..", "io.kafkabackup.storage.kit..")
        .check(classes);
  }

  @Test
  void theProviderKitKnowsNoProviderOrSdk() {
    noClasses().that().resideInAPackage("io.kafkabackup.storage.kit..").should().dependOnClassesThat()
        .resideInAnyPackage(PROVIDERS).orShould().dependOnClassesThat().resideInAnyPackage(SDKS_AND_HTTP)
        .check(classes);
  }

  @Test
  void providersDoNotKnowEachOther() {
    List<String> providers = List.of(PROVIDERS);
    for (String provider : providers) {
      String[] others = providers.stream().filter(p -> !p.equals(provider)).toArray(String[]::new);
      noClasses().that().resideInAPackage(provider).should().dependOnClassesThat().resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  void backupCacheAndCliReachStorageOnlyThroughTheApi() {
    noClasses().that().resideInAnyPackage("io.kafkabackup.backup..", "io.kafkabackup.cache..", "io.kafkabackup.cli..")
        .should().dependOnClassesThat().resideInAnyPackage(PROVIDERS)
        .orShould().dependOnClassesThat().resideInAPackage("io.kafkabackup.storage.kit..")
        .orShould().dependOnClassesThat().resideInAnyPackage(SDKS_AND_HTTP)
        .check(classes);
  }

  @Test
  void theConnectorsReachStorageOnlyThroughTheApi() {
    noClasses().that().resideInAPackage("io.kafkabackup.connect..")
        .should().dependOnClassesThat().resideInAnyPackage(PROVIDERS)
        .orShould().dependOnClassesThat().resideInAPackage("io.kafkabackup.storage.kit..")
        .orShould().dependOnClassesThat().resideInAnyPackage(SDKS_AND_HTTP)
        .orShould().dependOnClassesThat().resideInAnyPackage("io.kafkabackup.cli..", "io.kafkabackup.cache..")
        .check(classes);
  }

  /** One engine: segments, commits and manifests are written and read by backup-kafka, never by a connector. */
  @Test
  void theConnectorsShareTheEngineOfTheCli() {
    noClasses().that().resideInAPackage("io.kafkabackup.connect..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.kafkabackup.backup.format.SegmentWriter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.kafkabackup.backup.format.SegmentReader")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.kafkabackup.backup.log.PartitionLog")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.kafkabackup.backup.log.PartitionHistory")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.kafkabackup.backup.log.ManifestWriter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.kafka.clients.producer.KafkaProducer")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.kafka.clients.consumer.KafkaConsumer")
        .check(classes);
  }

  @Test
  void theBackupFormatAndTheCacheKnowNoKafka() {
    noClasses().that().resideInAnyPackage("io.kafkabackup.backup..", "io.kafkabackup.cache..")
        .and().resideOutsideOfPackage("io.kafkabackup.backup.kafka..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
        .check(classes);
  }

  @Test
  void theCacheKnowsNoBackup() {
    noClasses().that().resideInAPackage("io.kafkabackup.cache..").should().dependOnClassesThat()
        .resideInAnyPackage("io.kafkabackup.backup..", "io.kafkabackup.cli..")
        .check(classes);
  }

  /**
   * Ciphers in four places only: the segment format (blocks), the cache's sealed archive (chunks), and the
   * key-encryption providers (local AES key wrap, and the stand-ins' counterparts in the testkit). The
   * engine, the CLI and the connectors encrypt nothing themselves, so there is no second copy of a format.
   */
  @Test
  void ciphersLiveInTheFormatsAndTheKeyProvidersOnly() {
    noClasses().that().resideOutsideOfPackages("io.kafkabackup.backup.format", "io.kafkabackup.cache",
        "io.kafkabackup.storage.crypto", "io.kafkabackup.storage.testkit")
        .should().dependOnClassesThat().haveFullyQualifiedName("javax.crypto.Cipher")
        .check(classes);
  }
}
