package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Installs an npm package set pinned by a {@code package.json} and lock file bundled in this jar, with
 * {@code npm ci}, once per machine: into a cache directory named after the lock file's hash, guarded by a
 * file lock so that parallel test JVMs install it once. Nothing is fetched when the cache is warm.
 */
final class NpmPackages {
  private NpmPackages() {
  }

  /**
   * Returns the directory holding {@code node_modules} for a bundled package set, installing it first if
   * needed.
   *
   * @param name the resource folder beside this class, such as {@code azurite}
   * @param homeProperty a system property (or, upper-cased with dots as underscores, an environment
   *     variable) that overrides the install directory
   */
  @SuppressWarnings("try") // the file lock is held for the block, never read
  static synchronized Path install(String name, String homeProperty) {
    try {
      byte[] manifest = resource(name + "/package.json");
      byte[] lock = resource(name + "/package-lock.json");
      Path home = installDirectory(name, homeProperty, manifest, lock);
      Path marker = home.resolve(".installed");
      if (Files.exists(marker)) {
        return home;
      }
      Files.createDirectories(home.getParent());
      try (FileChannel channel = FileChannel.open(home.resolveSibling(home.getFileName() + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        if (Files.exists(marker)) {
          return home; // another process installed it while we waited
        }
        Files.createDirectories(home);
        Files.write(home.resolve("package.json"), manifest);
        Files.write(home.resolve("package-lock.json"), lock);
        run(home, List.of(executable("npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"));
        Files.writeString(marker, "installed\n");
        return home;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the npm package set '" + name + "'", e);
    }
  }

  static String executable(String name) {
    String override = System.getProperty("kbs." + name);
    return override != null ? override : name;
  }

  private static Path installDirectory(String name, String homeProperty, byte[] manifest, byte[] lock) {
    String configured = System.getProperty(homeProperty);
    if (configured == null) {
      configured = System.getenv(homeProperty.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    String hash = sha256(manifest, lock).substring(0, 16);
    return Path.of(System.getProperty("user.home"), ".cache", "kafka-backup-storage", name + "-" + hash);
  }

  private static void run(Path dir, List<String> command) throws IOException {
    Path log = Files.createTempFile("npm-ci", ".log");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean done = p.waitFor(15, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 15 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " in " + dir + " failed (exit " + p.exitValue() + "):\n"
            + tail(Files.readString(log, StandardCharsets.UTF_8)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command, e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("error=2")) {
        throw new IOException("'" + command.get(0) + "' was not found: the testkit needs Node.js (>= 18) and npm "
            + "on the PATH to run Azurite (e.g. apt-get install nodejs npm), or a Docker engine", e);
      }
      throw e;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static String tail(String text) {
    return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = NpmPackages.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("resource " + path + " is missing from the testkit jar");
      }
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
