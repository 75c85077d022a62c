package io.kafkabackup.cli;

import io.kafkabackup.storage.spi.ConfigKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Parsing of command-line option values, with errors naming the option. */
final class Enums {
  private Enums() {
  }

  static <E extends Enum<E>> E parse(String option, String value, Class<E> type) {
    return match(value, type).orElseThrow(() -> new ConfigException(option + ": expected one of " + names(type)
        + ", got '" + value + "'"));
  }

  /** The constant written as {@code value} ({@code key-hash} for {@code KEY_HASH}, any case). */
  static <E extends Enum<E>> Optional<E> match(String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (name(e).equalsIgnoreCase(value.trim())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  static <E extends Enum<E>> List<String> names(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(name(e));
    }
    return names;
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** An instant written as ISO-8601 or epoch milliseconds; null when it is neither. */
  static Long instant(String value) {
    String t = value.trim();
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(t);
    }
    try {
      return Instant.parse(t).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static long size(String option, String value) {
    Long bytes = ConfigKey.parseSize(value.trim());
    if (bytes == null) {
      throw new ConfigException(option + ": expected a size such as 64MiB, got '" + value + "'");
    }
    return bytes;
  }

  static Duration duration(String option, String value) {
    Duration d = ConfigKey.parseDuration(value.trim());
    if (d == null) {
      throw new ConfigException(option + ": expected a duration such as 30s or 5m, got '" + value + "'");
    }
    return d;
  }
}
