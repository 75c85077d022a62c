package io.kafkabackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabackup.storage.spi.ConfigKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One section of the configuration file, read with types; every error names the key and its line. */
final class Section {
  private final ConfigFile file;
  private final String name;
  private final ObjectNode node;

  Section(ConfigFile file, String name, ObjectNode node) {
    this.file = file;
    this.name = name;
    this.node = node;
  }

  ConfigFile fileOf() {
    return file;
  }

  ObjectNode node() {
    return node;
  }

  String path(String key) {
    return name + "." + key;
  }

  ConfigException error(String key, String message) {
    return file.error(path(key), message);
  }

  /** Fails on the first key that is not one of {@code known}, with a did-you-mean. */
  Section allow(Set<String> known) {
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!known.contains(key)) {
        throw error(key, "unknown key" + Suggestions.hint(key, known));
      }
    }
    return this;
  }

  boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  Optional<String> string(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw error(key, "expected a single value, got " + (v.isArray() ? "a list" : "a mapping"));
    }
    return Optional.of(v.asText());
  }

  Optional<Integer> integer(String key) {
    return string(key).map(s -> {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw error(key, "expected a whole number, got '" + s + "'");
      }
    });
  }

  Optional<Long> longValue(String key) {
    return string(key).map(s -> {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw error(key, "expected a whole number, got '" + s + "'");
      }
    });
  }

  Optional<Boolean> bool(String key) {
    return string(key).map(s -> {
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
      throw error(key, "expected true or false, got '" + s + "'");
    });
  }

  Optional<Long> size(String key) {
    return string(key).map(s -> {
      Long bytes = ConfigKey.parseSize(s.trim());
      if (bytes == null) {
        throw error(key, "expected a size such as 64MiB, got '" + s + "'");
      }
      return bytes;
    });
  }

  Optional<Duration> duration(String key) {
    return string(key).map(s -> {
      Duration d = ConfigKey.parseDuration(s.trim());
      if (d == null) {
        throw error(key, "expected a duration such as 30s, 5m or PT1H, got '" + s + "'");
      }
      return d;
    });
  }

  /** An instant: ISO-8601 ({@code 2026-11-24T10:00:00Z}) or epoch milliseconds. */
  Optional<Long> instant(String key) {
    return string(key).map(s -> {
      Long millis = Enums.instant(s);
      if (millis == null) {
        throw error(key, "expected an ISO-8601 instant (2026-11-24T10:00:00Z) or epoch milliseconds, got '" + s + "'");
      }
      return millis;
    });
  }

  <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
    return string(key).map(s -> Enums.match(s, type).orElseThrow(() -> error(key, "expected one of "
        + Enums.names(type) + ", got '" + s + "'" + Suggestions.hint(s, Enums.names(type)))));
  }

  List<String> strings(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isValueNode()) {
      return List.of(v.asText());
    }
    if (!v.isArray()) {
      throw error(key, "expected a list of values");
    }
    List<String> out = new ArrayList<>();
    v.forEach(item -> {
      if (!item.isValueNode()) {
        throw error(key, "expected a list of values");
      }
      out.add(item.asText());
    });
    return out;
  }

  Map<String, String> stringMap(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw error(key, "expected a mapping");
    }
    Map<String, String> out = new LinkedHashMap<>();
    v.properties().forEach(e -> {
      if (!e.getValue().isValueNode()) {
        throw file.error(path(key) + "." + e.getKey(), "expected a single value");
      }
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }
}
