package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Detached Ed25519 signatures of validation reports, with keys in the PEM files OpenSSL writes
 * ({@code openssl genpkey -algorithm ed25519}), so an auditor can check a report with OpenSSL alone:
 * the signature is over the report file's exact bytes, stored raw in {@code <report>.sig}.
 */
public final class ReportSignature {
  private static final String ALGORITHM = "Ed25519";

  private ReportSignature() {
  }

  /**
   * Signs a report.
   *
   * @param report the report file's bytes
   * @param privateKeyPem a PKCS#8 Ed25519 private key ({@code -----BEGIN PRIVATE KEY-----})
   * @return the 64-byte signature
   * @throws BackupException if the key is not an Ed25519 private key (the message never holds key bytes)
   */
  public static byte[] sign(byte[] report, String privateKeyPem) {
    try {
      PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(
          pem(privateKeyPem, "PRIVATE KEY")));
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(key);
      signer.update(report);
      return signer.sign();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new BackupException("the signing key is not a PEM Ed25519 private key (PKCS#8, as openssl genpkey "
          + "-algorithm ed25519 writes it)");
    }
  }

  /**
   * Checks a report's signature.
   *
   * @param report the report file's bytes
   * @param signature the signature file's bytes
   * @param publicKeyPem an Ed25519 public key ({@code -----BEGIN PUBLIC KEY-----})
   * @return whether the signature is the key's over exactly these bytes
   * @throws BackupException if the key is not an Ed25519 public key
   */
  public static boolean verify(byte[] report, byte[] signature, String publicKeyPem) {
    PublicKey key;
    try {
      key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(pem(publicKeyPem, "PUBLIC KEY")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new BackupException("the public key is not a PEM Ed25519 public key (openssl pkey -pubout writes one)");
    }
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(report);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a signature of the wrong length or form is simply not a valid one
    }
  }

  private static byte[] pem(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no " + label + " block");
    }
    String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
    return Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
  }
}
