package io.kafkabackup.storage.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.layer.ForwardingStorageBackend;
import io.kafkabackup.storage.layer.StorageLayers;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageConfig;
import io.kafkabackup.storage.spi.StorageLayer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory, provider discovery and configuration validation, with the real filesystem provider. */
class StorageBackendsTest {
  @TempDir
  Path dir;

  private Map<String, String> config(String... pairs) {
    Map<String, String> m = new HashMap<>();
    m.put("storage.backend", "filesystem");
    m.put("storage.filesystem.root", dir.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static InvalidConfigurationException invalid(Map<String, String> config) {
    return assertThrows(InvalidConfigurationException.class,
        () -> StorageBackends.builder().config(config).environment(Map.of()).open().close());
  }

  @Test
  void discoversTheFilesystemProviderThroughServiceLoader() {
    List<StorageBackendProvider> providers = StorageBackends.providers();
    assertEquals(List.of("filesystem"), providers.stream().map(StorageBackendProvider::type).toList());
  }

  @Test
  void opensTheConfiguredBackendFromPropertiesWithItsPrefix() throws Exception {
    Properties p = new Properties();
    p.setProperty("storage.backend", "filesystem");
    p.setProperty("storage.filesystem.root", dir.resolve("new/root").toString());
    p.setProperty("storage.prefix", "prod/cluster-a");
    p.setProperty("app.unrelated", "ignored");
    try (StorageBackend backend = StorageBackends.open(p)) {
      assertEquals("filesystem", backend.type());
      assertEquals("prod/cluster-a", backend.prefix().toString());
      backend.put(ObjectKey.of("topics/t/0.log"), "data".getBytes());
      assertArrayEquals("data".getBytes(), Files.readAllBytes(dir.resolve("new/root/prod/cluster-a/topics/t/0.log")));
    }
  }

  @Test
  void aBackendOfAProviderThatIsNotOnTheClasspathFailsNamingItAndListingTheProviders() {
    InvalidConfigurationException e = invalid(config("storage.backend", "azure", "storage.azure.container", "c"));
    assertEquals("storage.backend", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("'azure'") && e.getMessage().contains("[filesystem]"), e.getMessage());
  }

  @Test
  void aMissingBackendKeyFailsListingTheProviders() {
    Map<String, String> c = config();
    c.remove("storage.backend");
    InvalidConfigurationException e = invalid(c);
    assertEquals("storage.backend", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("[filesystem]"), e.getMessage());
  }

  @Test
  void unknownKeysFailNamingTheKeyAndTheClosestValidOne() {
    InvalidConfigurationException e = invalid(config("storage.filesystem.fsyn", "true"));
    assertEquals("storage.filesystem.fsyn", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("did you mean 'storage.filesystem.fsync'"), e.getMessage());

    e = invalid(config("storage.prefx", "prod"));
    assertTrue(e.getMessage().contains("did you mean 'storage.prefix'"), e.getMessage());

    e = invalid(config("storage.filesytem.root", "/x"));
    assertEquals("storage.filesytem.root", e.configKey().orElseThrow());
  }

  @Test
  void missingRequiredKeysAndBadValuesFailNamingTheKey() {
    Map<String, String> c = config();
    c.remove("storage.filesystem.root");
    InvalidConfigurationException e = invalid(c);
    assertEquals("storage.filesystem.root", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("required"), e.getMessage());

    e = invalid(config("storage.filesystem.fsync", "yes"));
    assertEquals("storage.filesystem.fsync", e.configKey().orElseThrow());

    e = invalid(config("storage.prefix", "a/../b"));
    assertEquals("storage.prefix", e.configKey().orElseThrow());

    e = invalid(config("storage.filesystem.root", dir.resolve("absent").toString(), "storage.filesystem.create-root", "false"));
    assertEquals("storage.filesystem.root", e.configKey().orElseThrow());
  }

  @Test
  void recordsMetricsIntoTheGivenRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend backend = StorageBackends.builder().config(config()).meterRegistry(registry).open()) {
      backend.put(ObjectKey.of("k"), new byte[1000]);
      backend.get(ObjectKey.of("k"));
      assertThrows(ObjectNotFoundException.class, () -> backend.get(ObjectKey.of("missing")));
    }
    assertEquals(1, registry.get("storage.operations").tags("backend", "filesystem", "operation", "put", "outcome", "success").timer().count());
    assertEquals(1, registry.get("storage.operations").tags("operation", "get", "outcome", "not_found").timer().count());
    assertEquals(1000.0, registry.get("storage.bytes.written").counter().count());
    assertEquals(1000.0, registry.get("storage.bytes.read").counter().count());
  }

  @Test
  void metricsCanBeSwitchedOffAndCustomLayersAdded() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger deletes = new AtomicInteger();
    try (StorageBackend backend = StorageBackends.builder().config(config("storage.metrics.enabled", "false"))
        .meterRegistry(registry)
        .layer(b -> new ForwardingStorageBackend(b) {
          @Override
          public void delete(ObjectKey key) {
            deletes.incrementAndGet();
            super.delete(key);
          }
        }).open()) {
      backend.delete(ObjectKey.of("x"));
    }
    assertEquals(1, deletes.get());
    assertTrue(registry.getMeters().isEmpty());
  }

  /** A layer with a required key that records, in order, which layers wrapped the backend. */
  private static StorageLayer recordingLayer(String name, List<String> wrapped) {
    ConfigKey label = ConfigKey.builder("label", ConfigKey.Type.STRING).required().description("A label.").build();
    return new StorageLayer() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<ConfigKey> configKeys() {
        return List.of(label);
      }

      @Override
      public StorageBackend wrap(StorageBackend backend, StorageConfig config) {
        wrapped.add(name + "=" + config.string(label).orElseThrow());
        return new ForwardingStorageBackend(backend) {
        };
      }
    };
  }

  @Test
  void layersWrapInTheGivenOrderAndTheirKeysAreValidatedLikeAProvidersKeys() {
    List<String> wrapped = new ArrayList<>();
    List<StorageLayer> layers = List.of(recordingLayer("inner", wrapped), StorageLayers.logging(),
        recordingLayer("outer", wrapped));
    try (StorageBackend backend = StorageBackends.builder()
        .config(config("storage.inner.label", "a", "storage.outer.label", "b")).environment(Map.of())
        .layers(layers).open()) {
      backend.put(ObjectKey.of("k"), new byte[3]);
      assertEquals(3, backend.stat(ObjectKey.of("k")).size());
    }
    assertEquals(List.of("inner=a", "outer=b"), wrapped);

    InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
        () -> StorageBackends.builder().config(config("storage.outer.label", "b")).environment(Map.of())
            .layers(layers).open().close());
    assertEquals("storage.inner.label", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("inner layer"), e.getMessage());

    e = assertThrows(InvalidConfigurationException.class, () -> StorageBackends.builder()
        .config(config("storage.inner.label", "a", "storage.outer.label", "b", "storage.outer.lable", "c"))
        .environment(Map.of()).layers(layers).open().close());
    assertEquals("storage.outer.lable", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("did you mean 'storage.outer.label'"), e.getMessage());

    // Without the metrics layer, its key is unknown rather than silently ignored.
    e = assertThrows(InvalidConfigurationException.class, () -> StorageBackends.builder()
        .config(config("storage.metrics.enabled", "false")).environment(Map.of())
        .layers(List.of(StorageLayers.logging())).open().close());
    assertEquals("storage.metrics.enabled", e.configKey().orElseThrow());
  }

  @Test
  void aLayerNamedLikeAProviderOrTwiceIsRefused() {
    List<String> wrapped = new ArrayList<>();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageBackends.builder()
        .config(config()).layers(List.of(recordingLayer("filesystem", wrapped))).open().close());
    assertTrue(e.getMessage().contains("provider's type"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StorageBackends.builder().config(config())
        .layers(List.of(StorageLayers.logging(), StorageLayers.logging())).open().close());
    assertTrue(e.getMessage().contains("two layers are named 'logging'"), e.getMessage());
    assertTrue(wrapped.isEmpty());
  }

  @Test
  void aMeterRegistryReplacesTheMetricsLayerInItsPlace() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> wrapped = new ArrayList<>();
    try (StorageBackend backend = StorageBackends.builder().config(config("storage.audit.label", "x"))
        .layers(List.of(recordingLayer("audit", wrapped), StorageLayers.metrics()))
        .meterRegistry(registry).open()) {
      backend.put(ObjectKey.of("k"), new byte[10]);
    }
    assertEquals(List.of("audit=x"), wrapped);
    assertEquals(1, registry.get("storage.operations").tags("operation", "put").timer().count());
  }
}
