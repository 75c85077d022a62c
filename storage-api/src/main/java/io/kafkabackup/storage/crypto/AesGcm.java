package io.kafkabackup.storage.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.Cipher;

/**
 * Where AES-256-GCM comes from for segments and cache archives: the Amazon Corretto Crypto Provider
 * (native AWS-LC) when it is on the class path and loads on this platform, else the JDK's own. Measured
 * on a 2-core AMD EPYC without AVX-512 (see {@code docs/benchmarks.md}), the JDK 17 implementation costs
 * 13–22 CPU s per GB, the native one 0.4–0.8, which is the difference between encryption halving a
 * backup's throughput and costing a few per cent. The provider is used explicitly, never installed into
 * the JVM, so embedding applications (a Kafka Connect worker) keep their own provider order. The format
 * is the same either way: either provider reads what the other wrote.
 */
public final class AesGcm {
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final String NATIVE_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  /** The native provider, or null to use the JDK's: absent, not loadable here, or turned off. */
  private static final Provider NATIVE = loadNative();

  private AesGcm() {
  }

  /**
   * A fresh, uninitialised AES/GCM/NoPadding cipher.
   *
   * @return the cipher
   * @throws GeneralSecurityException if no provider has AES-GCM (never with a standard JDK)
   */
  public static Cipher cipher() throws GeneralSecurityException {
    return NATIVE != null ? Cipher.getInstance(TRANSFORMATION, NATIVE) : Cipher.getInstance(TRANSFORMATION);
  }

  /**
   * Which implementation {@link #cipher()} uses, for logs and benchmarks.
   *
   * @return the provider's name and version
   */
  public static String implementation() {
    try {
      Provider p = cipher().getProvider();
      return p.getName() + " " + p.getVersionStr();
    } catch (GeneralSecurityException e) {
      return "none: " + e.getMessage();
    }
  }

  /**
   * The native provider if it is present and healthy; {@code -Dkafka-backup.crypto.provider=jdk} turns it off.
   * Loaded by reflection so that it stays an optional, run-time-only dependency.
   */
  private static Provider loadNative() {
    if ("jdk".equalsIgnoreCase(System.getProperty("kafka-backup.crypto.provider"))) {
      return null;
    }
    try {
      Class<?> type = Class.forName(NATIVE_CLASS, true, AesGcm.class.getClassLoader());
      Provider provider = (Provider) type.getField("INSTANCE").get(null);
      if (type.getMethod("getLoadingError").invoke(provider) != null) {
        return null; // the native library does not load on this platform
      }
      Cipher.getInstance(TRANSFORMATION, provider);
      return provider;
    } catch (ReflectiveOperationException | LinkageError | GeneralSecurityException | ClassCastException e) {
      return null;
    }
  }
}
