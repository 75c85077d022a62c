package io.kafkabackup.cli;

import io.kafkabackup.storage.spi.ConfigKey;
import java.util.Collection;

/** "Did you mean" hints for mistyped keys, with the storage configuration's own matching. */
final class Suggestions {
  private Suggestions() {
  }

  static String hint(String typed, Collection<String> known) {
    return ConfigKey.closest(typed, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
  }
}
