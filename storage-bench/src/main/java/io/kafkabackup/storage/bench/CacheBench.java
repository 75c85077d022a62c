package io.kafkabackup.storage.bench;

import io.kafkabackup.cache.BuildCache;
import io.kafkabackup.cache.CacheEntry;
import io.kafkabackup.cache.SaveOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code kafka-backup cache} against what a CI script would otherwise run, in the same run on the same
 * server: save = {@code tar -cf - | zstd -3 -T0} into a file, then the raw SDK uploading it (plain NIO
 * copy for the filesystem); restore = the raw SDK's one-GET download piped into
 * {@code zstd -d | tar -xf -}. The tree is build-cache shaped: {@code bench.cacheFiles} files
 * (default 20,000) of 0–2× the mean size for {@code bench.cacheMiB} in total (default 500), half of them
 * random bytes (like jars), half repetitive text. Rates are MB/s of tree content; the best of
 * {@code bench.iterations} (default 2) interleaved rounds.
 */
final class CacheBench {
  private CacheBench() {
  }

  static String run() throws Exception {
    int files = Integer.getInteger("bench.cacheFiles", 20_000);
    long mib = Long.getLong("bench.cacheMiB", 500);
    int rounds = Integer.getInteger("bench.iterations", 2);
    List<String> providers = List.of(System.getProperty("bench.providers", "filesystem,azure,s3").split(","));
    Path scratch = Files.createTempDirectory("bench-cache-");
    Path work = scratch.resolve("work");
    long treeBytes = buildTree(work.resolve("deps"), files, mib << 20);
    StringBuilder md = new StringBuilder("## CI cache: save and restore\n\n")
        .append(String.format(Locale.ROOT, "A tree of %,d files, %,d bytes (half random, half text), %d cores. "
            + "Baseline: `tar -cf - | zstd -3 -T0 > file` then the raw SDK upload; download piped into "
            + "`zstd -d | tar -xf -`. Ours: `BuildCache.save` / `restore` (zstd 3 on all cores, SHA-256, staged "
            + "extraction). MB/s of tree content, best of %d.%n%n", files, treeBytes,
            Runtime.getRuntime().availableProcessors(), rounds))
        .append("| provider | archive | save: tar\\|zstd + SDK | save: ours | ours ÷ baseline | restore: SDK\\|zstd\\|tar "
            + "| restore: ours | ours ÷ baseline |\n|---|---|---|---|---|---|---|---|\n");
    try {
      for (String provider : providers) {
        try (Fixture f = Fixture.open(provider.trim(), scratch)) {
          BuildCache cache = new BuildCache(f.backend, Clock.systemUTC());
          Target raw = f.raw();
          double baseSave = 0;
          double oursSave = 0;
          double baseRestore = 0;
          double oursRestore = 0;
          long archiveBytes = 0;
          for (int round = 0; round < rounds; round++) {
            Path archive = scratch.resolve("baseline.tar.zst");
            long t0 = System.nanoTime();
            sh("tar -cf - -C " + work + " deps | zstd -3 -T0 -q -f -o " + archive);
            try (InputStream in = Files.newInputStream(archive)) {
              raw.upload("baseline/archive.tar.zst", in, Files.size(archive));
            }
            baseSave = Math.max(baseSave, rate(treeBytes, t0));
            Files.delete(archive);

            t0 = System.nanoTime();
            CacheEntry entry = cache.save("bench", work, List.of("deps"), SaveOptions.defaults()).entry().orElseThrow();
            oursSave = Math.max(oursSave, rate(treeBytes, t0));
            archiveBytes = entry.archiveBytes();

            Path baseOut = Files.createDirectories(scratch.resolve("restore-baseline"));
            t0 = System.nanoTime();
            Process untar = new ProcessBuilder("sh", "-c", "zstd -d -q | tar -xf - -C " + baseOut)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (OutputStream pipe = untar.getOutputStream()) {
              raw.downloadTo("baseline/archive.tar.zst", pipe);
            }
            await(untar, "zstd -d | tar -x");
            baseRestore = Math.max(baseRestore, rate(treeBytes, t0));

            Path oursOut = scratch.resolve("restore-ours");
            t0 = System.nanoTime();
            cache.restore("bench", List.of(), oursOut);
            oursRestore = Math.max(oursRestore, rate(treeBytes, t0));
            Fixture.deleteTree(baseOut);
            Fixture.deleteTree(oursOut);
          }
          md.append(String.format(Locale.ROOT, "| %s | %,d B | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |%n", provider,
              archiveBytes, baseSave, oursSave, oursSave / baseSave, baseRestore, oursRestore,
              oursRestore / baseRestore));
          System.out.println(md.substring(md.lastIndexOf("| " + provider)));
        }
      }
    } finally {
      Fixture.deleteTree(scratch);
    }
    return md.toString();
  }

  private static long buildTree(Path root, int files, long totalBytes) throws IOException {
    Random random = new Random(42);
    long mean = totalBytes / files;
    byte[] text = ("<dependency><groupId>org.example</groupId><artifactId>library</artifactId>"
        + "<version>1.2.3</version></dependency>\n").repeat(64).getBytes(StandardCharsets.UTF_8);
    long total = 0;
    for (int i = 0; i < files; i++) {
      Path dir = Files.createDirectories(root.resolve("g" + (i / 1000)).resolve("a" + (i / 50 % 20)));
      byte[] content = new byte[(int) (random.nextDouble() * 2 * mean)];
      if (i % 2 == 0) {
        random.nextBytes(content);
      } else {
        for (int at = 0; at < content.length; at += text.length) {
          System.arraycopy(text, 0, content, at, Math.min(text.length, content.length - at));
        }
      }
      Files.write(dir.resolve("f" + i + (i % 2 == 0 ? ".jar" : ".pom")), content);
      total += content.length;
    }
    return total;
  }

  private static double rate(long bytes, long startNanos) {
    return bytes / 1e6 / ((System.nanoTime() - startNanos) / 1e9);
  }

  private static void sh(String command) throws IOException, InterruptedException {
    await(new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start(), command);
  }

  private static void await(Process p, String what) throws InterruptedException {
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(what + " failed");
    }
  }
}
