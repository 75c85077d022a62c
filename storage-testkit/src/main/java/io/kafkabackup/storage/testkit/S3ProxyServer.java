package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * A real S3 API on loopback, for tests: S3Proxy embedded in this JVM over its filesystem store in a
 * temporary directory (deleted on close; its ranged reads and multipart uploads are far faster than the
 * in-memory store's), bound to a free port of 127.0.0.1, with SigV4 authentication and random
 * credentials. Needs
 * {@code org.gaul:s3proxy} on the test classpath (an optional dependency of this module).
 *
 * <p>S3Proxy serves plain and ranged GETs but not {@code ?partNumber=} reads, so clients must download
 * with ranges.
 */
public final class S3ProxyServer implements AutoCloseable {
  private final S3Proxy proxy;
  private final S3Endpoint endpoint;
  private final Path directory;

  private S3ProxyServer(S3Proxy proxy, S3Endpoint endpoint, Path directory) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.directory = directory;
  }

  /**
   * Starts a server whose store is a new directory under the system's temporary directory.
   *
   * @return the running server; the caller closes it
   */
  public static S3ProxyServer start() {
    return start(null);
  }

  /**
   * Starts a server whose store is a new directory under {@code parent}: a tmpfs such as
   * {@code /dev/shm} keeps disk speed out of throughput measurements.
   *
   * @param parent where the store's directory is created, or {@code null} for the temporary directory
   * @return the running server; the caller closes it
   */
  public static S3ProxyServer start(Path parent) {
    String accessKey = "AKIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    String secret = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    Path directory = null;
    try {
      directory = parent == null ? Files.createTempDirectory("s3proxy") : Files.createTempDirectory(parent, "s3proxy");
      Properties properties = new Properties();
      properties.setProperty("jclouds.filesystem.basedir", directory.toString());
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(BlobStores.create("filesystem", properties))
          .endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secret)
          // The AWS SDK sends headers S3Proxy does not know, such as x-amz-mp-object-size.
          .ignoreUnknownHeaders(true)
          .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          proxy.stop();
          throw new IllegalStateException("S3Proxy did not start within 30 s (state " + proxy.getState() + ")");
        }
        Thread.onSpinWait();
      }
      return new S3ProxyServer(proxy, new S3Endpoint(URI.create("http://127.0.0.1:" + proxy.getPort()), accessKey, secret),
          directory);
    } catch (Exception e) {
      if (directory != null) {
        deleteTree(directory);
      }
      throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException("cannot start S3Proxy", e);
    }
  }

  /**
   * How to reach the server.
   *
   * @return the endpoint
   */
  public S3Endpoint endpoint() {
    return endpoint;
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      deleteTree(directory);
    }
  }

  private static void deleteTree(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  @Override
  public String toString() {
    return "S3ProxyServer{" + endpoint + "}";
  }
}
