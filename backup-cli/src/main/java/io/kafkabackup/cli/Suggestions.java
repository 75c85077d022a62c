package io.kafkabackup.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" hints for mistyped keys. */
final class Suggestions {
  private Suggestions() {
  }

  static Optional<String> closest(String typed, Collection<String> known) {
    return known.stream().filter(k -> distance(typed, k) <= Math.max(2, k.length() / 4))
        .min(Comparator.comparingInt(k -> distance(typed, k)));
  }

  static String hint(String typed, Collection<String> known) {
    return closest(typed, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
