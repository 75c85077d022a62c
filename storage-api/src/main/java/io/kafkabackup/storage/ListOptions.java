package io.kafkabackup.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * What to list: the keys that start with a prefix, optionally grouped into "directories" by a
 * delimiter.
 *
 * <p>The prefix is plain text and may end anywhere, even inside a segment ({@code segments/0000} lists
 * {@code segments/00001.log} and {@code segments/00002.log}). With the delimiter {@code /}, keys that
 * have another {@code /} after the prefix are reported once, as a {@link ListEntry.Prefix} up to and
 * including that {@code /}.
 */
public final class ListOptions {
  private static final ListOptions ALL = new ListOptions("", false, 0);

  private final String prefix;
  private final boolean delimited;
  private final int pageSize;

  private ListOptions(String prefix, boolean delimited, int pageSize) {
    this.prefix = prefix;
    this.delimited = delimited;
    this.pageSize = pageSize;
  }

  /**
   * Every key under the backend's prefix.
   *
   * @return options with an empty prefix and no delimiter
   */
  public static ListOptions all() {
    return ALL;
  }

  /**
   * The keys that start with a prefix.
   *
   * @param prefix the text keys must start with; may be empty
   * @return the options
   * @throws InvalidObjectKeyException if the prefix has characters no key may have, or starts with {@code /}
   */
  public static ListOptions prefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.isEmpty()) {
      ObjectKey.checkCharacters(prefix, "list prefix");
      if (prefix.startsWith("/")) {
        throw new InvalidObjectKeyException("list prefix '" + prefix + "' must not start with '/'");
      }
    }
    return new ListOptions(prefix, false, 0);
  }

  /**
   * Groups keys by {@code /} after the prefix, listing only the next level.
   *
   * @return options that list one level
   */
  public ListOptions delimited() {
    return new ListOptions(prefix, true, pageSize);
  }

  /**
   * Asks for pages of at most this many entries from the service. The stream is the same whatever the
   * page size; this tunes round trips versus memory.
   *
   * @param pageSize 1 to 5000; 0 for the backend's default
   * @return options with that page size
   */
  public ListOptions pageSize(int pageSize) {
    if (pageSize < 0 || pageSize > 5000) {
      throw new IllegalArgumentException("pageSize must be 0 to 5000, was " + pageSize);
    }
    return new ListOptions(prefix, delimited, pageSize);
  }

  /**
   * The prefix keys must start with.
   *
   * @return the prefix, possibly empty
   */
  public String prefix() {
    return prefix;
  }

  /**
   * The delimiter, if keys are grouped.
   *
   * @return {@code /} when grouped
   */
  public Optional<String> delimiter() {
    return delimited ? Optional.of("/") : Optional.empty();
  }

  /**
   * The requested page size.
   *
   * @return 1 to 5000, or 0 for the backend's default
   */
  public int pageSize() {
    return pageSize;
  }

  @Override
  public String toString() {
    return "ListOptions{prefix='" + prefix + "', delimited=" + delimited + ", pageSize=" + pageSize + "}";
  }
}
