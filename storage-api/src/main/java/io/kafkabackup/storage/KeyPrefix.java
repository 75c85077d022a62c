package io.kafkabackup.storage;

import java.nio.charset.StandardCharsets;

/**
 * The part of the store a backend is confined to, such as {@code prod/cluster-a}. Every key a backend
 * is given is joined to its prefix, and every key it lists has the prefix stripped again, so two
 * backends with different prefixes never see each other's objects. The empty prefix is the whole
 * container, bucket or root directory.
 */
public final class KeyPrefix {
  private static final KeyPrefix NONE = new KeyPrefix("");

  /** Empty, or the prefix followed by {@code /}. */
  private final String path;

  private KeyPrefix(String path) {
    this.path = path;
  }

  /**
   * The empty prefix.
   *
   * @return a prefix that adds nothing
   */
  public static KeyPrefix none() {
    return NONE;
  }

  /**
   * Parses a prefix. Leading and trailing {@code /} are ignored; what remains follows the rules of
   * {@link ObjectKey}.
   *
   * @param value the prefix, such as {@code prod/cluster-a}; {@code null} or empty for none
   * @return the prefix
   * @throws InvalidObjectKeyException if the prefix breaks the key rules
   */
  public static KeyPrefix of(String value) {
    if (value == null) {
      return NONE;
    }
    String trimmed = value;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.isEmpty()) {
      return NONE;
    }
    ObjectKey.validatePath(trimmed, "key prefix");
    return new KeyPrefix(trimmed + "/");
  }

  /**
   * Whether this is the empty prefix.
   *
   * @return {@code true} if keys are used as they are
   */
  public boolean isEmpty() {
    return path.isEmpty();
  }

  /**
   * The full name of a key in the store.
   *
   * @param key a key relative to this prefix
   * @return the prefix and the key joined by {@code /}
   * @throws InvalidObjectKeyException if the joined name is longer than the store allows
   */
  public String apply(ObjectKey key) {
    String full = path + key.value();
    if (!path.isEmpty() && full.getBytes(StandardCharsets.UTF_8).length > ObjectKey.MAX_UTF8_BYTES) {
      throw new InvalidObjectKeyException("object key '" + key + "' with prefix '" + path
          + "' is longer than " + ObjectKey.MAX_UTF8_BYTES + " UTF-8 bytes");
    }
    return full;
  }

  /**
   * The full form of a list prefix, which may end anywhere in a segment.
   *
   * @param listPrefix a list prefix relative to this prefix, possibly empty
   * @return the prefix and the list prefix joined
   */
  public String applyToListPrefix(String listPrefix) {
    return path + listPrefix;
  }

  /**
   * Strips this prefix from a full name found in the store.
   *
   * @param fullName a name that starts with this prefix
   * @return the name relative to this prefix
   * @throws IllegalArgumentException if the name lies outside this prefix
   */
  public String strip(String fullName) {
    if (!fullName.startsWith(path)) {
      throw new IllegalArgumentException("'" + fullName + "' is outside prefix '" + path + "'");
    }
    return fullName.substring(path.length());
  }

  /**
   * The prefix as configured, without a trailing {@code /}.
   *
   * @return the prefix, or the empty string
   */
  @Override
  public String toString() {
    return path.isEmpty() ? "" : path.substring(0, path.length() - 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPrefix && ((KeyPrefix) o).path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
