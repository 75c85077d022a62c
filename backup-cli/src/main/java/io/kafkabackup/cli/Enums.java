package io.kafkabackup.cli;

import io.kafkabackup.storage.spi.ConfigKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parsing of command-line option values, with errors naming the option. */
final class Enums {
  private Enums() {
  }

  static <E extends Enum<E>> E parse(String option, String value, Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String n = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
      names.add(n);
      if (n.equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    throw new ConfigException(option + ": expected one of " + names + ", got '" + value + "'");
  }

  static Duration duration(String option, String value) {
    Duration d = ConfigKey.parseDuration(value.trim());
    if (d == null) {
      throw new ConfigException(option + ": expected a duration such as 30s or 5m, got '" + value + "'");
    }
    return d;
  }
}
