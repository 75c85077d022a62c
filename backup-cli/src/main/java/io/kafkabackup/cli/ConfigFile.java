package io.kafkabackup.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YAML configuration file: {@code storage:}, {@code kafka:}, {@code backup:} and {@code restore:}
 * sections, with {@code ${VAR}} and {@code ${VAR:-default}} replaced from the environment before
 * parsing. Every key's line is remembered so each error can say where the bad key is.
 */
final class ConfigFile {
  static final Set<String> SECTIONS = Set.of("storage", "kafka", "backup", "restore", "metrics");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final String source;
  private final ObjectNode root;
  private final Map<String, Integer> lines;

  private ConfigFile(String source, ObjectNode root, Map<String, Integer> lines) {
    this.source = source;
    this.root = root;
    this.lines = lines;
  }

  /** A configuration with no file: every section empty. */
  static ConfigFile empty() {
    return new ConfigFile("(no file)", JsonNodeFactory.instance.objectNode(), Map.of());
  }

  /**
   * Reads and checks a file.
   *
   * @param file the YAML file
   * @param env the environment for {@code ${VAR}}
   * @return the configuration
   * @throws ConfigException naming the line of a syntax error, an undefined variable or an unknown section
   */
  static ConfigFile load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), text, env);
  }

  static ConfigFile parse(String source, String text, Map<String, String> env) {
    StringBuilder substituted = new StringBuilder();
    String[] rawLines = text.split("\n", -1);
    for (int i = 0; i < rawLines.length; i++) {
      String line = rawLines[i];
      int lineNumber = i + 1;
      if (line.stripLeading().startsWith("#")) {
        substituted.append(line);
      } else {
        Matcher m = VARIABLE.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
          String value = env.get(m.group(1));
          if (value == null) {
            value = m.group(2);
          }
          if (value == null) {
            throw new ConfigException(source + " line " + lineNumber + ": environment variable " + m.group(1)
                + " is not set (use ${" + m.group(1) + ":-default} for a default)");
          }
          m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        substituted.append(out);
      }
      if (i < rawLines.length - 1) {
        substituted.append('\n');
      }
    }
    YAMLFactory factory = new YAMLFactory();
    ObjectMapper mapper = new ObjectMapper(factory);
    JsonNode tree;
    Map<String, Integer> lines = new HashMap<>();
    try {
      tree = mapper.readTree(substituted.toString());
      recordLines(factory, substituted.toString(), lines);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ConfigException(source + (at == null ? "" : " line " + at.getLineNr()) + ": not valid YAML: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      tree = JsonNodeFactory.instance.objectNode();
    }
    if (!tree.isObject()) {
      throw new ConfigException(source + " line 1: expected sections storage:, kafka:, backup:, restore:");
    }
    ConfigFile file = new ConfigFile(source, (ObjectNode) tree, lines);
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!SECTIONS.contains(name)) {
        throw file.error(name, "unknown section '" + name + "'" + Suggestions.hint(name, SECTIONS));
      }
      if (!tree.get(name).isObject() && !tree.get(name).isNull()) {
        throw file.error(name, "section '" + name + "' must be a mapping of keys to values");
      }
    }
    return file;
  }

  private static void recordLines(YAMLFactory factory, String text, Map<String, Integer> lines) throws IOException {
    try (JsonParser parser = factory.createParser(text)) {
      Deque<String> path = new ArrayDeque<>();
      Deque<Boolean> inObject = new ArrayDeque<>();
      String pendingField = null;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case FIELD_NAME:
            pendingField = parser.currentName();
            String full = path.isEmpty() ? pendingField : String.join(".", reversed(path)) + "." + pendingField;
            lines.putIfAbsent(full, parser.currentTokenLocation().getLineNr());
            break;
          case START_OBJECT:
          case START_ARRAY:
            if (pendingField != null) {
              path.push(pendingField);
              inObject.push(true);
            } else {
              inObject.push(false);
            }
            pendingField = null;
            break;
          case END_OBJECT:
          case END_ARRAY:
            if (!inObject.isEmpty() && inObject.pop()) {
              path.pop();
            }
            break;
          default:
            pendingField = null;
        }
      }
    }
  }

  private static Iterable<String> reversed(Deque<String> path) {
    return path::descendingIterator;
  }

  /**
   * A section of the file.
   *
   * @param name storage, kafka, backup or restore
   * @return the section (empty when absent)
   */
  Section section(String name) {
    JsonNode node = root.get(name);
    return new Section(this, name, node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) node);
  }

  /**
   * An error about a key, with its line.
   *
   * @param path the dotted path of the key ({@code backup.workers})
   * @param message what is wrong
   * @return the exception to throw
   */
  ConfigException error(String path, String message) {
    Integer line = lines.get(path);
    return new ConfigException(source + (line == null ? "" : " line " + line) + ": " + path + ": " + message);
  }

  String source() {
    return source;
  }
}
