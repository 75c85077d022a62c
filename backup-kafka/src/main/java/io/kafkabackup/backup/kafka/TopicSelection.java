package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.SelectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which topics a job works on: explicit names, plus every topic matching an include pattern, minus
 * every topic matching an exclude pattern. Internal topics ({@code __consumer_offsets},
 * {@code __transaction_state}, …) are never selected by a pattern.
 *
 * @param names topics selected by name
 * @param include a regular expression (whole-name match) or null
 * @param exclude a regular expression (whole-name match) or null
 */
public record TopicSelection(List<String> names, Pattern include, Pattern exclude) {

  /**
   * Copies the names.
   *
   * @param names topic names
   * @param include the include pattern or null
   * @param exclude the exclude pattern or null
   */
  public TopicSelection {
    names = List.copyOf(names);
    if (names.isEmpty() && include == null) {
      throw new IllegalArgumentException("select at least one topic: names or an include pattern");
    }
  }

  /**
   * Selects topics by name.
   *
   * @param names the topics
   * @return the selection
   */
  public static TopicSelection of(String... names) {
    return new TopicSelection(List.of(names), null, null);
  }

  /**
   * Builds a selection from configured text.
   *
   * @param names topic names (may be empty)
   * @param include an include regex or null
   * @param exclude an exclude regex or null
   * @return the selection
   * @throws IllegalArgumentException naming a pattern that does not compile
   */
  public static TopicSelection parse(List<String> names, String include, String exclude) {
    return new TopicSelection(names, compile("include", include), compile("exclude", exclude));
  }

  private static Pattern compile(String what, String regex) {
    if (regex == null || regex.isBlank()) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(what + " pattern '" + regex + "' is not a regular expression: "
          + e.getDescription(), e);
    }
  }

  /**
   * Applies the selection to the topics that exist.
   *
   * @param existing the cluster's topics
   * @return the selected topics, sorted
   * @throws SelectionException naming a topic selected by name that does not exist
   */
  public Set<String> resolve(Collection<String> existing) {
    for (String name : names) {
      if (!existing.contains(name)) {
        throw new SelectionException("topic '" + name + "' does not exist");
      }
    }
    return present(existing);
  }

  /**
   * Applies the selection to the topics that exist, passing over named topics that do not (a running
   * backup waits for those).
   *
   * @param existing the cluster's topics
   * @return the selected topics that exist, sorted
   */
  public Set<String> present(Collection<String> existing) {
    Set<String> selected = new TreeSet<>();
    for (String name : names) {
      if (existing.contains(name)) {
        selected.add(name);
      }
    }
    if (include != null) {
      for (String topic : existing) {
        if (!topic.startsWith("__") && include.matcher(topic).matches()) {
          selected.add(topic);
        }
      }
    }
    if (exclude != null) {
      selected.removeIf(topic -> exclude.matcher(topic).matches());
    }
    return selected;
  }

  /**
   * The selection as text, for the backup descriptor.
   *
   * @return names, then {@code include:...} and {@code exclude:...}
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>(names);
    if (include != null) {
      out.add("include:" + include.pattern());
    }
    if (exclude != null) {
      out.add("exclude:" + exclude.pattern());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicSelection s && names.equals(s.names) && Objects.equals(text(include), text(s.include))
        && Objects.equals(text(exclude), text(s.exclude));
  }

  @Override
  public int hashCode() {
    return Objects.hash(names, text(include), text(exclude));
  }

  private static String text(Pattern p) {
    return p == null ? null : p.pattern();
  }
}
