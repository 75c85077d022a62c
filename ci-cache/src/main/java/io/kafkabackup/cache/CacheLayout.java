package io.kafkabackup.cache;

import io.kafkabackup.storage.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where cache entries live in a backend: {@code cache/{encoded key}/entry.json} and its archive beside it.
 * The key is one path segment, percent-encoded outside {@code [A-Za-z0-9._-]}, so an entry's objects
 * share the prefix {@code cache/{encoded key}/} with no other entry: key {@code a} never sees the
 * objects of {@code ab} or {@code a/b}. The encoding works character by character, so the encoded form
 * of a key prefix is a prefix of the encoded key, which is what restore-key prefix lookups rely on.
 */
final class CacheLayout {
  static final String ROOT = "cache";
  static final String ENTRY = "entry.json";
  private static final int MAX_KEY_LENGTH = 512;

  private CacheLayout() {
  }

  /** Checks a rendered key: not blank, no control characters, at most 512 characters. */
  static String checkKey(String key, String what) {
    if (key == null || key.isBlank()) {
      throw new CacheException(what + ": the cache key is empty");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new CacheException(what + ": the cache key is " + key.length() + " characters; at most "
          + MAX_KEY_LENGTH);
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      throw new CacheException(what + ": the cache key '" + key.replaceAll("\\p{Cntrl}", "?")
          + "' contains a control character");
    }
    if (key.equals(".") || key.equals("..")) {
      throw new CacheException(what + ": '" + key + "' is not a cache key");
    }
    return key;
  }

  static String encode(String keyOrPrefix) {
    StringBuilder sb = new StringBuilder();
    for (byte b : keyOrPrefix.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
          || c == '-') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    // A trailing dot is dropped by Azure and refused by ObjectKey: encode it.
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) == '.') {
      sb.setLength(sb.length() - 1);
      sb.append("%2E");
    }
    return sb.toString();
  }

  static String decode(String segment) {
    byte[] out = new byte[segment.length()];
    int n = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        out[n++] = (byte) Integer.parseInt(segment.substring(i + 1, i + 3), 16);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** The listing prefix of every entry whose key starts with {@code keyPrefix}. */
  static String listPrefix(String keyPrefix) {
    String encoded = encode(keyPrefix);
    // A prefix ending in '.' was encoded as if it ended a key; list without the dot (callers filter the
    // decoded keys by the prefix anyway) so both "a.b" (literal dot) and "a." (encoded) are found.
    if (encoded.endsWith("%2E") && keyPrefix.endsWith(".")) {
      encoded = encoded.substring(0, encoded.length() - 3);
    }
    return ROOT + "/" + encoded;
  }

  static String entryPrefix(String key) {
    return ROOT + "/" + encode(key) + "/";
  }

  static ObjectKey entryObject(String key) {
    return ObjectKey.of(entryPrefix(key) + ENTRY);
  }

  static ObjectKey archiveObject(String key, String archive) {
    return ObjectKey.of(entryPrefix(key) + archive);
  }

  /** The key of an entry object found by a listing, or empty for any other object. */
  static Optional<String> keyOfEntryObject(ObjectKey object) {
    String name = object.value();
    if (!name.startsWith(ROOT + "/") || !name.endsWith("/" + ENTRY)) {
      return Optional.empty();
    }
    String segment = name.substring(ROOT.length() + 1, name.length() - ENTRY.length() - 1);
    return segment.indexOf('/') >= 0 ? Optional.empty() : Optional.of(decode(segment));
  }
}
