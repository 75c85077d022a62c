package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.testkit.RandomStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An independent anchor for the Azure figures: the Azure CLI ({@code az storage blob upload} and
 * {@code download}, the distribution's package, default options) moving the same file through the same
 * Azurite as our backend and the Azure SDK — what a user would otherwise script. Each round starts a
 * fresh Azurite and runs the three one after another, starting with a different one each round; the
 * file lies on tmpfs, and downloads go to a file there too. {@code az}'s time includes its start-up, as
 * a script pays it.
 *
 * <p>System properties: {@code bench.azSizeMiB} (default 1024), {@code bench.iterations} (rounds,
 * default 3), {@code bench.az} (the CLI, default {@code az} on the PATH).
 */
final class AzureCliAnchor {
  private static final long MIB = 1024 * 1024;

  private AzureCliAnchor() {
  }

  static String run() throws Exception {
    long size = Long.getLong("bench.azSizeMiB", 1024) * MIB;
    int rounds = Integer.getInteger("bench.iterations", 3);
    String az = System.getProperty("bench.az", "az");
    String version = cli(List.of(az, "version", "--query", "\"azure-cli\"", "-o", "tsv"), Map.of()).trim();
    Path scratch = Fixture.scratchDirectory("bench-az-");
    Path file = scratch.resolve("data");
    try (InputStream in = new RandomStream(size, 7); OutputStream out = Files.newOutputStream(file)) {
      in.transferTo(out);
    }
    List<String> who = List.of("ours", "Azure SDK: 8 MiB x 4, downloadStream", "az CLI " + version + " (defaults)");
    Map<String, List<Measurement.Sample>> up = new LinkedHashMap<>();
    Map<String, List<Measurement.Sample>> down = new LinkedHashMap<>();
    try {
      for (int round = 0; round < rounds; round++) {
        try (Fixture f = Fixture.open("azure", scratch)) {
          Map<String, String> env = Map.of("AZURE_STORAGE_CONNECTION_STRING", connectionString(f.config));
          Map<String, Measurement.Run> uploads = new LinkedHashMap<>();
          Map<String, Measurement.Run> downloads = new LinkedHashMap<>();
          for (int i = 0; i < who.size(); i++) {
            int cell = i;
            String key = "anchor-" + cell;
            Path copy = scratch.resolve("copy-" + cell);
            uploads.put(who.get(cell), () -> {
              upload(cell, f, az, env, key, file, size);
              return size / 1e6;
            });
            downloads.put(who.get(cell), () -> {
              download(cell, f, az, env, key, copy);
              if (Files.mismatch(file, copy) != -1) {
                throw new IllegalStateException(who.get(cell) + " downloaded other bytes than were uploaded");
              }
              Files.delete(copy);
              return size / 1e6;
            });
          }
          Measurement.round(uploads, round, up);
          Measurement.round(downloads, round, down);
        }
      }
    } finally {
      Fixture.deleteTree(scratch);
    }
    StringBuilder md = new StringBuilder("## Azure CLI anchor\n\n").append(String.format(Locale.ROOT,
        "%d MiB file on tmpfs, Azurite in memory, %d rounds (a fresh Azurite each), MB/s median and min–max; "
            + "every download compared byte for byte with the file.%n%n", size / MIB, rounds))
        .append("| who | upload (MB/s) | download to a file (MB/s) |\n| --- | --- | --- |\n");
    Map<String, double[]> medians = new LinkedHashMap<>();
    for (String w : who) {
      Measurement.Result u = Measurement.result(w + " upload", up.get(w));
      Measurement.Result d = Measurement.result(w + " download", down.get(w));
      medians.put(w, new double[] {u.median(), d.median()});
      md.append(String.format(Locale.ROOT, "| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) |%n", w, u.median(), u.min(),
          u.max(), d.median(), d.min(), d.max()));
    }
    double[] ours = medians.get(who.get(0));
    double[] cli = medians.get(who.get(2));
    md.append(String.format(Locale.ROOT, "%nOurs ÷ az CLI: upload %.2f, download %.2f.%n", ours[0] / cli[0],
        ours[1] / cli[1]));
    return md.toString();
  }

  private static void upload(int cell, Fixture f, String az, Map<String, String> env, String key, Path file, long size)
      throws Exception {
    if (cell == 2) {
      cli(List.of(az, "storage", "blob", "upload", "--container-name", "bench", "--name", key, "--file",
          file.toString(), "--overwrite", "--only-show-errors", "--output", "none"), env);
      return;
    }
    Target target = cell == 0 ? f.ours : f.raw();
    try (InputStream in = Files.newInputStream(file)) {
      target.upload(key, in, size);
    }
  }

  private static void download(int cell, Fixture f, String az, Map<String, String> env, String key, Path copy)
      throws Exception {
    if (cell == 2) {
      cli(List.of(az, "storage", "blob", "download", "--container-name", "bench", "--name", key, "--file",
          copy.toString(), "--only-show-errors", "--output", "none"), env);
      return;
    }
    Target target = cell == 0 ? f.ours : f.raw();
    try (OutputStream out = Files.newOutputStream(copy)) {
      target.downloadTo(key, out);
    }
  }

  /** Azurite's connection string from our backend's settings; it goes to {@code az} in its environment, never its arguments. */
  private static String connectionString(Map<String, String> config) {
    return "DefaultEndpointsProtocol=http;AccountName=" + config.get("storage.azure.account-name") + ";AccountKey="
        + config.get("storage.azure.account-key") + ";BlobEndpoint=" + config.get("storage.azure.endpoint") + ";";
  }

  /** Runs the CLI; its output is returned, a non-zero exit is an error with the output. */
  private static String cli(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("the Azure CLI '" + command.get(0) + "' cannot be started (install it: "
          + "apt-get install azure-cli, or set -Dbench.az=<path>): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(4, command.size())))
          + " failed:\n" + out);
    }
    return out;
  }
}
