package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content digests for comparing large objects without holding them in memory. */
public final class Digests {
  private Digests() {
  }

  /**
   * The SHA-256 of a stream, read to its end.
   *
   * @param in the stream; not closed
   * @return the hex digest
   * @throws IOException if reading fails
   */
  public static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
