package io.kafkabackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/kubernetes.md: the configuration its ConfigMap embeds parses exactly as {@code config check}
 * parses a file (every section's keys known, the storage block resolved), and every container's
 * arguments are a valid command line.
 */
class KubernetesManifestsTest {
  private static final Path DOC = Path.of("..", "docs", "kubernetes.md");
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<JsonNode> manifests() throws IOException {
    List<JsonNode> result = new ArrayList<>();
    Matcher m = YAML_BLOCK.matcher(Files.readString(DOC, StandardCharsets.UTF_8));
    while (m.find()) {
      for (String document : m.group(1).split("(?m)^---$")) {
        result.add(YAML.readTree(document));
      }
    }
    return result;
  }

  @Test
  void theConfigMapsConfigurationPassesConfigChecksParsing() throws IOException {
    JsonNode configMap = manifests().stream().filter(n -> n.path("kind").asText().equals("ConfigMap")).findFirst()
        .orElseThrow();
    String text = configMap.path("data").path("kafka-backup.yaml").asText();
    ConfigFile file = ConfigFile.parse("docs/kubernetes.md", text, Map.of("KAFKA_PASSWORD", "not-a-secret"));
    file.section("backup").allow(BackupCommand.KEYS);
    file.section("restore").allow(RestoreSettings.KEYS);
    file.section("metrics").allow(MetricsSettings.KEYS);
    Map<String, String> storage = StorageSection.resolve(file.section("storage"), Path.of("/nonexistent"), Map.of());
    assertEquals("azure", storage.get("storage.backend"));
    assertEquals("workload-identity", storage.get("storage.azure.auth"));
    assertEquals("kafka-backups", storage.get("storage.azure.container"));
    assertEquals(9464, file.section("metrics").integer("port").orElseThrow());
    assertTrue(file.section("kafka").node().path("sasl.jaas.config").asText().contains("not-a-secret"));
  }

  @Test
  void everyContainersArgumentsAreAValidCommandLine() throws IOException {
    List<List<String>> commands = new ArrayList<>();
    for (JsonNode manifest : manifests()) {
      manifest.findValues("containers").forEach(containers -> containers.forEach(c -> {
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        commands.add(args);
      }));
    }
    assertEquals(2, commands.size(), "the Deployment and the CronJob");
    for (List<String> args : commands) {
      CommandLine cli = new CommandLine(KafkaBackupCliAccess.newRoot());
      cli.parseArgs(args.toArray(String[]::new)); // throws on an unknown option or a bad value
    }
  }
}
