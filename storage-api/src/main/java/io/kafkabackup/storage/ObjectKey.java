package io.kafkabackup.storage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The name of an object, relative to the backend's configured {@link KeyPrefix}. All key rules live
 * here, so every backend accepts exactly the same keys:
 *
 * <ul>
 *   <li>not empty, and at most {@value #MAX_UTF8_BYTES} bytes in UTF-8 (the prefix included, checked
 *       when the key is joined to it);
 *   <li>segments are separated by {@code /}; no leading or trailing {@code /}, no empty segment, no
 *       {@code .} or {@code ..} segment, and no trailing {@code .} (Azure drops it);
 *   <li>no control characters (U+0000–U+001F, U+007F–U+009F), no {@code \} (Azure treats it as
 *       {@code /}) and no unpaired UTF-16 surrogate.
 * </ul>
 *
 * <p>Keys compare in the order every backend lists them: by Unicode code point, which is the byte order
 * of their UTF-8 form.
 */
public final class ObjectKey implements Comparable<ObjectKey> {
  /** The longest key, prefix included, in UTF-8 bytes (the S3 and Azure limit). */
  public static final int MAX_UTF8_BYTES = 1024;

  private final String value;

  private ObjectKey(String value) {
    this.value = value;
  }

  /**
   * Validates and wraps a key.
   *
   * @param value the key, such as {@code topics/orders/0/00000000000000000000.log}
   * @return the key
   * @throws InvalidObjectKeyException naming the key and the rule it breaks
   */
  public static ObjectKey of(String value) {
    validatePath(value, "object key");
    return new ObjectKey(value);
  }

  /**
   * Appends segments to this key.
   *
   * @param segments one or more segments, each free of {@code /}
   * @return the longer key
   * @throws InvalidObjectKeyException if a segment breaks the rules
   */
  public ObjectKey resolve(String... segments) {
    StringBuilder sb = new StringBuilder(value);
    for (String segment : segments) {
      Objects.requireNonNull(segment, "segment");
      if (segment.indexOf('/') >= 0) {
        throw new InvalidObjectKeyException("key segment '" + segment + "' must not contain '/'");
      }
      sb.append('/').append(segment);
    }
    return of(sb.toString());
  }

  /**
   * The key as text.
   *
   * @return the key, without any backend prefix
   */
  public String value() {
    return value;
  }

  /**
   * The last segment of the key.
   *
   * @return the text after the last {@code /}, or the whole key
   */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public int compareTo(ObjectKey other) {
    return compareCodePoints(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectKey && ((ObjectKey) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  /**
   * Compares two strings by Unicode code point, the order of their UTF-8 bytes and the order in which
   * object stores list keys. {@link String#compareTo} differs for characters above U+FFFF.
   *
   * @param a one string
   * @param b the other string
   * @return a negative number, zero or a positive number as {@code a} sorts before, with or after {@code b}
   */
  public static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        // Surrogates (U+D800–U+DFFF) encode code points above every BMP char, so lift them above U+FFFF.
        boolean sa = Character.isSurrogate(ca);
        boolean sb = Character.isSurrogate(cb);
        if (sa != sb) {
          return sa ? 1 : -1;
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }

  /**
   * Checks a slash-separated path (a key, or a prefix without its trailing {@code /}) against the key
   * rules.
   *
   * @param value the path to check
   * @param what how to name it in the error, such as "object key" or "key prefix"
   * @throws InvalidObjectKeyException naming the value and the rule it breaks
   */
  static void validatePath(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidObjectKeyException(what + " must not be empty");
    }
    checkCharacters(value, what);
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
      throw new InvalidObjectKeyException(
          what + " '" + abbreviate(value) + "' is longer than " + MAX_UTF8_BYTES + " UTF-8 bytes");
    }
    if (value.endsWith(".")) {
      throw new InvalidObjectKeyException(what + " '" + value + "' must not end with '.'");
    }
    int start = 0;
    while (true) {
      int slash = value.indexOf('/', start);
      String segment = slash < 0 ? value.substring(start) : value.substring(start, slash);
      if (segment.isEmpty()) {
        throw new InvalidObjectKeyException(what + " '" + value
            + "' has an empty segment (leading, trailing or doubled '/')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new InvalidObjectKeyException(what + " '" + value + "' has a '" + segment + "' segment");
      }
      if (slash < 0) {
        return;
      }
      start = slash + 1;
    }
  }

  /**
   * Checks the characters of a key, prefix or list prefix: no control characters, no backslash, no
   * unpaired surrogate.
   *
   * @param value the text to check
   * @param what how to name it in the error
   * @throws InvalidObjectKeyException naming the value and the offending character
   */
  static void checkCharacters(String value, String what) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw new InvalidObjectKeyException(what + " '" + printable(value)
            + "' contains the control character U+" + String.format("%04X", (int) c) + " at index " + i);
      }
      if (c == '\\') {
        throw new InvalidObjectKeyException(what + " '" + value + "' contains '\\' at index " + i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidObjectKeyException(what + " '" + printable(value)
            + "' contains an unpaired UTF-16 surrogate at index " + i);
      }
    }
  }

  private static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    value.codePoints().forEach(cp -> {
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        sb.append(String.format("\\u%04X", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return abbreviate(sb.toString());
  }

  private static String abbreviate(String value) {
    return value.length() <= 120 ? value : value.substring(0, 100) + "…(" + value.length() + " chars)";
  }
}
