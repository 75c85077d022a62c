package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool, and a trust store holding it,
 * made the JVM's default trust store by {@link #trusted()}, so the Azure SDK (Netty) and the identity
 * library reach the HTTPS stand-ins exactly as they reach real endpoints; call it before the JVM first
 * uses TLS.
 */
public final class LoopbackTls {
  /** The password of both stores. */
  public static final String PASSWORD = "changeit-test";

  private static LoopbackTls trusted;

  private final Path keyStore;
  private final Path trustStore;

  private LoopbackTls(Path keyStore, Path trustStore) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
  }

  /**
   * The one certificate of this JVM, made on first use in a temporary directory and made the JVM's
   * default trust store: the JDK and Netty's OpenSSL engine load the trust store once, so every HTTPS
   * stand-in of a JVM presents this certificate.
   *
   * @return the JVM's loopback TLS
   * @throws IOException if keytool fails
   * @throws InterruptedException if interrupted while keytool runs
   */
  public static synchronized LoopbackTls trusted() throws IOException, InterruptedException {
    if (trusted == null) {
      LoopbackTls tls = create(Files.createTempDirectory("loopback-tls"));
      tls.trustInThisJvm();
      trusted = tls;
    }
    return trusted;
  }

  /** Makes the key pair, certificate and trust store in {@code dir}. */
  private static LoopbackTls create(Path dir) throws IOException, InterruptedException {
    Path keyStore = dir.resolve("server.p12");
    Path cert = dir.resolve("server.crt");
    Path trustStore = dir.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    return new LoopbackTls(keyStore, trustStore);
  }

  /**
   * The server's key store (PKCS12, {@link #PASSWORD}), as Azurite's {@code --pfx} takes it.
   *
   * @return the key store's path
   */
  public Path keyStore() {
    return keyStore;
  }

  /** Makes the trust store this JVM's default; call before the JVM first uses TLS. */
  private void trustInThisJvm() {
    System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  /**
   * A server TLS context presenting the certificate.
   *
   * @return the context
   * @throws IOException if the key store cannot be read
   * @throws GeneralSecurityException if the key store is unusable
   */
  public SSLContext serverContext() throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }
}
