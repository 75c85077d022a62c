package io.kafkabackup.storage.filesystem;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Maps key segments to file names and back. Letters, digits and most ASCII punctuation are kept, so a
 * backup tree stays readable; everything else (non-ASCII, space, {@code %}, {@code #} and the
 * characters Windows forbids) is percent-encoded as UTF-8. This keeps keys exact whatever the JVM's
 * file-name encoding (with {@code LANG=C} it cannot even express non-ASCII names), and leaves every name
 * that starts with {@code #} free for the backend's own temporary and lock files.
 */
final class FileNames {
  private static final String ESCAPED = "%#/\\:*?\"<>| ";

  private FileNames() {
  }

  static String encode(String segment) {
    byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(utf8.length + 8);
    for (byte b : utf8) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && ESCAPED.indexOf(c) < 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Decodes a file name, or returns {@code null} if the name is not one this backend writes. */
  static String decode(String name) {
    if (name.isEmpty() || name.charAt(0) == '#') {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%') {
        if (i + 2 >= name.length()) {
          return null;
        }
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c > 0x20 && c < 0x7f && ESCAPED.indexOf(c) < 0) {
        out.write(c);
      } else {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
