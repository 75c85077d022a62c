package io.kafkabackup.storage.spi;

import io.kafkabackup.storage.StorageBackend;
import java.util.List;
import java.util.Optional;

/**
 * A layer the factory puts around every backend it opens: logging, metrics, or a user's own (a rate
 * limit, a read-only guard, encryption). Layers are applied in the order given to
 * {@link io.kafkabackup.storage.StorageBackends.Builder#layers(java.util.List)}, the first closest to the
 * backend. A layer may declare its own keys below {@code storage.<name>.}: the factory validates,
 * resolves and documents them exactly like a provider's, and rejects unknown ones.
 */
public interface StorageLayer {

  /**
   * The layer's name: the section of its keys ({@code storage.<name>.*}) and how errors name it. Lower
   * case letters, digits and hyphens; it must not be a provider's type.
   *
   * @return for example {@code metrics}
   */
  String name();

  /**
   * The keys the layer reads, below {@code storage.<name>.}.
   *
   * @return the keys; none by default
   */
  default List<ConfigKey> configKeys() {
    return List.of();
  }

  /**
   * Wraps a backend.
   *
   * @param backend the backend with the layers before this one
   * @param config this layer's resolved keys
   * @return the wrapped backend, or {@code backend} itself to stay out (a layer switched off)
   */
  StorageBackend wrap(StorageBackend backend, StorageConfig config);

  /**
   * Where the provider should report each request it sends, if this layer collects them; the factory
   * hands the first layer's recorder to the provider through {@link StorageConfig#requestRecorder()}.
   *
   * @param providerType the type of the provider being opened
   * @param config this layer's resolved keys
   * @return the recorder, or empty (the default)
   */
  default Optional<RequestRecorder> requestRecorder(String providerType, StorageConfig config) {
    return Optional.empty();
  }
}
