package io.kafkabackup.storage.examples;

import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.layer.StorageLayers;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.KeyWrapperProvider;
import io.kafkabackup.storage.spi.StorageBackendProvider;
import io.kafkabackup.storage.spi.StorageLayer;
import java.util.List;
import java.util.Locale;

/**
 * Renders the configuration reference of providers as Markdown, from the same {@link ConfigKey}
 * declarations that validate configuration, so documentation cannot drift from behaviour.
 */
final class ConfigurationReference {
  private ConfigurationReference() {
  }

  /**
   * The reference for the common keys and every given provider.
   *
   * @param providers the providers to document, such as {@link StorageBackends#providers()}
   * @return Markdown text
   */
  public static String markdown(List<StorageBackendProvider> providers) {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("Generated from the providers' key declarations (`ConfigurationReference`); a test fails when this\n")
        .append("file is out of date. Values come from the configuration first, then the environment variables\n")
        .append("listed, then the default. Sizes take `8MiB`, `256KiB`, `1GiB` or bytes; durations `500ms`, `30s`,\n")
        .append("`5m` or ISO-8601.\n\n")
        .append("## Common keys\n\n")
        .append("| key | description |\n| --- | --- |\n")
        .append("| `").append(StorageBackends.BACKEND).append("` | Required. The provider: ")
        .append(String.join(", ", providers.stream().map(p -> "`" + p.type() + "`").toList())).append(". |\n")
        .append("| `").append(StorageBackends.PREFIX).append("` | Confines the backend to a part of the store, "
            + "e.g. `prod/cluster-a`. |\n")
        .append("\n## Layers\n\n")
        .append("Layers wrap every backend the factory opens, in this order by default (closest to the backend\n")
        .append("first); `StorageBackends.builder().layers(...)` sets another order or adds a layer of its own.\n");
    for (StorageLayer layer : StorageLayers.defaults()) {
      md.append("\n### `").append(layer.name()).append("`\n\n");
      if (layer.configKeys().isEmpty()) {
        md.append("No keys.\n");
      } else {
        keyTable(md, layer.name(), layer.configKeys());
      }
    }
    for (StorageBackendProvider p : providers) {
      md.append("\n## `storage.backend=").append(p.type()).append("`: ").append(p.description()).append("\n\n");
      keyTable(md, p.type(), p.configKeys());
    }
    md.append("\n## Encryption\n\n")
        .append("`").append(KeyWrappers.KEK).append("` names the key-encryption provider; unset, nothing is encrypted ")
        .append("(see [encryption.md](encryption.md)). Its keys are `storage.encryption.{provider}.*`.\n");
    for (KeyWrapperProvider p : KeyWrappers.providers(ConfigurationReference.class.getClassLoader())) {
      md.append("\n### `").append(KeyWrappers.KEK).append("=").append(p.type()).append("`: ").append(p.description())
          .append("\n\n");
      keyTable(md, "encryption." + p.type(), p.configKeys());
    }
    return md.toString();
  }

  private static void keyTable(StringBuilder md, String section, List<ConfigKey> keys) {
    md.append("| key | type | default | env | description |\n| --- | --- | --- | --- | --- |\n");
    for (ConfigKey k : keys) {
      md.append("| `").append(k.fullName(section)).append("` | ")
          .append(k.type().name().toLowerCase(Locale.ROOT))
          .append(k.choices().isEmpty() ? "" : " (" + String.join(", ", k.choices()) + ")")
          .append(k.secret() ? ", secret" : "").append(" | ")
          .append(k.required() ? "required" : k.defaultValue().map(v -> "`" + v + "`").orElse("")).append(" | ")
          .append(String.join(", ", k.envVars().stream().map(e -> "`" + e + "`").toList())).append(" | ")
          .append(k.description().replace("|", "\\|")).append(" |\n");
    }
  }
}
