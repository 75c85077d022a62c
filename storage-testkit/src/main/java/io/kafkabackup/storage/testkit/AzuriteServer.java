package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.azure.AzuriteContainer;

/**
 * A real Azurite blob service on loopback, for tests. By default it is the npm package pinned in this jar
 * (installed on first use with {@code npm ci}, then started as a Node process on a free port of
 * 127.0.0.1, in memory); where a Docker engine is available and Testcontainers is on the classpath it can
 * be Testcontainers' Azurite instead. {@link #close()} stops it and removes its files; a shutdown hook
 * does the same if the JVM exits first.
 *
 * <pre>{@code
 * try (AzuriteServer azurite = AzuriteServer.builder().start()) {
 *   AzuriteEndpoint endpoint = azurite.endpoint();
 * }
 * }</pre>
 */
public final class AzuriteServer implements AutoCloseable {
  /** Azurite's account. */
  public static final String ACCOUNT = "devstoreaccount1";
  /** Azurite's well-known, public development key for {@link #ACCOUNT}. */
  public static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  /** The Azurite version this testkit pins (npm package and container image). */
  public static final String VERSION = "3.37.0";

  private static final Logger LOG = LoggerFactory.getLogger(AzuriteServer.class);

  /** Where Azurite comes from. */
  public enum Mode {
    /** Testcontainers if a Docker engine is reachable and Testcontainers is present, else npm. */
    AUTO,
    /** The pinned npm package, run with the local Node.js. */
    NPM,
    /** Testcontainers' Azurite image. */
    DOCKER
  }

  private final AzuriteEndpoint endpoint;
  private final Process process;
  private final Path workDir;
  private final AutoCloseable container;
  private final Thread shutdownHook;
  private boolean closed;

  private AzuriteServer(AzuriteEndpoint endpoint, Process process, Path workDir, AutoCloseable container) {
    this.endpoint = endpoint;
    this.process = process;
    this.workDir = workDir;
    this.container = container;
    this.shutdownHook = new Thread(this::stop, "azurite-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts configuring a server.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How to reach the server.
   *
   * @return the endpoint
   */
  public AzuriteEndpoint endpoint() {
    return endpoint;
  }

  /**
   * The operating-system process of an npm Azurite.
   *
   * @return the process handle, empty for a container
   */
  public Optional<ProcessHandle> processHandle() {
    return process == null ? Optional.empty() : Optional.of(process.toHandle());
  }

  /** Stops the server and deletes its files. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void stop() {
    if (closed) {
      return;
    }
    closed = true;
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (container != null) {
      try {
        container.close();
      } catch (Exception e) {
        LOG.warn("stopping the Azurite container failed", e);
      }
    }
    if (workDir != null) {
      deleteTree(workDir);
    }
  }

  @Override
  public String toString() {
    return "AzuriteServer{" + endpoint + "}";
  }

  /** Options for {@link AzuriteServer}. */
  public static final class Builder {
    private Mode mode = Mode.valueOf(System.getProperty("kbs.azurite.mode", "AUTO").toUpperCase(Locale.ROOT));
    private Path location;
    private Path certificate;
    private Path privateKey;
    private String pfxPassword;
    private boolean oauth;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder() {
    }

    /**
     * Chooses where Azurite comes from; defaults to the {@code kbs.azurite.mode} system property, else
     * {@link Mode#AUTO}.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Keeps blobs on disk in this directory instead of in memory (for GiB-sized tests; npm mode only).
     *
     * @param directory an empty directory the caller owns
     * @return this builder
     */
    public Builder location(Path directory) {
      this.location = directory;
      return this;
    }

    /**
     * Serves HTTPS with this certificate and key (PEM; npm mode only).
     *
     * @param certificate the server certificate, for 127.0.0.1
     * @param privateKey its private key
     * @return this builder
     */
    public Builder https(Path certificate, Path privateKey) {
      this.certificate = certificate;
      this.privateKey = privateKey;
      return this;
    }

    /**
     * Serves HTTPS with a PKCS#12 (PFX) key store holding the certificate and its key (npm mode only).
     *
     * @param pfx the key store, with a certificate for 127.0.0.1
     * @param password its password
     * @return this builder
     */
    public Builder httpsPfx(Path pfx, String password) {
      this.certificate = pfx;
      this.privateKey = null;
      this.pfxPassword = password;
      return this;
    }

    /**
     * Accepts OAuth bearer tokens ({@code --oauth basic}); needs {@link #https}.
     *
     * @return this builder
     */
    public Builder oauth() {
      this.oauth = true;
      return this;
    }

    /**
     * How long to wait for the server to listen.
     *
     * @param timeout the limit, 60 s by default
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server; the caller closes it
     */
    public AzuriteServer start() {
      if (oauth && certificate == null) {
        throw new IllegalStateException("Azurite's OAuth mode needs HTTPS: call https(certificate, key)");
      }
      if (mode == Mode.DOCKER || mode == Mode.AUTO && canUseDocker()) {
        return DockerAzurite.start();
      }
      return startNpm();
    }

    private AzuriteServer startNpm() {
      Path home = NpmPackages.install("azurite", "kbs.azurite.home");
      Path main = home.resolve("node_modules/azurite/dist/src/blob/main.js");
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        Path workDir = null;
        try {
          workDir = Files.createTempDirectory("azurite");
          int port = freePort();
          List<String> command = new ArrayList<>(List.of(NpmPackages.executable("node"), main.toString(),
              "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port), "--disableTelemetry", "--silent"));
          if (location != null) {
            command.addAll(List.of("--location", location.toString()));
          } else {
            command.add("--inMemoryPersistence");
          }
          if (certificate != null) {
            command.addAll(List.of("--cert", certificate.toString()));
            command.addAll(pfxPassword != null ? List.of("--pwd", pfxPassword) : List.of("--key", privateKey.toString()));
          }
          if (oauth) {
            command.addAll(List.of("--oauth", "basic"));
          }
          Path log = workDir.resolve("azurite.log");
          Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
              .redirectOutput(log.toFile()).start();
          if (waitForPort(process, port)) {
            String scheme = certificate != null ? "https" : "http";
            URI endpoint = URI.create(scheme + "://127.0.0.1:" + port + "/" + ACCOUNT);
            LOG.debug("Azurite {} listening on {} (pid {})", VERSION, endpoint, process.pid());
            return new AzuriteServer(new AzuriteEndpoint(ACCOUNT, ACCOUNT_KEY, endpoint), process, workDir, null);
          }
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          last = new IOException("Azurite did not listen on port " + port + " within " + startTimeout + ":\n"
              + NpmPackages.tail(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : ""));
        } catch (IOException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting Azurite", e);
        }
        if (workDir != null) {
          deleteTree(workDir);
        }
      }
      throw new UncheckedIOException("cannot start Azurite", last);
    }

    private boolean waitForPort(Process process, int port) throws InterruptedException {
      long deadline = System.nanoTime() + startTimeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          return false;
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return true;
        } catch (IOException notYet) {
          process.waitFor(50, TimeUnit.MILLISECONDS);
        }
      }
      return false;
    }
  }

  private static boolean canUseDocker() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, AzuriteServer.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return false;
    }
    return DockerAzurite.dockerAvailable();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      LOG.debug("cannot delete {}", root, e);
    }
  }

  /** Keeps every Testcontainers reference in one class, loaded only when Testcontainers is present. */
  private static final class DockerAzurite {
    static boolean dockerAvailable() {
      return DockerClientFactory.instance().isDockerAvailable();
    }

    static AzuriteServer start() {
      AzuriteContainer container =
          new AzuriteContainer("mcr.microsoft.com/azure-storage/azurite:" + VERSION);
      container.start();
      URI endpoint = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(10000) + "/" + ACCOUNT);
      return new AzuriteServer(new AzuriteEndpoint(ACCOUNT, ACCOUNT_KEY, endpoint), null, null, container::stop);
    }
  }
}
