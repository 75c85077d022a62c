package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.cli.ExitCode;
import io.kafkabackup.storage.testkit.FileTrees;
import io.kafkabackup.storage.testkit.S3Endpoint;
import io.kafkabackup.storage.testkit.S3ProxyExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka-backup} with no arguments, driven only by the {@code PLUGIN_*} variables a drone-cache step
 * sets: rebuild, restore (hit, restore-key fallback, miss, fail on miss) and flush, on the filesystem and
 * on S3. The Azure variant with a pre-fetched OIDC token is {@link AzureCachePluginTest}.
 */
class CachePluginTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = new S3ProxyExtension();

  @TempDir
  Path dir;

  @Test
  void filesystem() throws IOException {
    Map<String, String> storage = Map.of("PLUGIN_BACKEND", "filesystem",
        "PLUGIN_FILESYSTEM_CACHE_ROOT", dir.resolve("cache-root").toString());
    pipeline(storage);
  }

  @Test
  void s3() throws IOException {
    S3Endpoint s3 = S3.endpoint();
    String bucket = StorageUnderTest.s3(s3).get("storage.s3.bucket");
    Map<String, String> storage = Map.of("PLUGIN_BACKEND", "s3", "PLUGIN_BUCKET", bucket,
        "PLUGIN_ENDPOINT", s3.endpoint().toString(), "PLUGIN_REGION", s3.region(), "PLUGIN_PATH_STYLE", "true",
        "PLUGIN_ACCESS_KEY", s3.accessKeyId(), "PLUGIN_SECRET_KEY", s3.secretAccessKey());
    CliRun saved = pipeline(storage);
    assertFalse(saved.out().contains(s3.secretAccessKey()) || saved.err().contains(s3.secretAccessKey()));
  }

  /** A build's steps: restore (miss), build, rebuild, then a later build's restores and a flush. */
  static CliRun pipelineIn(Path dir, Map<String, String> storage) throws IOException {
    Path ws = dir.resolve("workspace");
    Files.createDirectories(ws);
    Files.writeString(ws.resolve("pom.xml"), "<project/>");
    Map<String, String> step = new HashMap<>(storage);
    step.put("PLUGIN_LOCAL_ROOT", ws.toString());
    step.put("DRONE_COMMIT_BRANCH", "main");
    step.put("PLUGIN_CACHE_KEY", "m2-{{ .Commit.Branch }}-{{ checksum \"pom.xml\" }}");
    step.put("PLUGIN_MOUNT", ".m2/repository,node_modules");

    Map<String, String> restore = with(step, "PLUGIN_RESTORE", "true");
    CliRun miss = CliRun.run(restore);
    assertEquals(ExitCode.OK, miss.code(), miss.err());
    assertTrue(miss.out().contains("cache miss"), miss.out());
    CliRun failOnMiss = CliRun.run(with(restore, "PLUGIN_FAIL_RESTORE_IF_KEY_NOT_PRESENT", "true"));
    assertEquals(ExitCode.CACHE_MISS, failOnMiss.code(), failOnMiss.out() + failOnMiss.err());

    FileTrees.build(ws.resolve(".m2/repository"), 500, 5);
    FileTrees.build(ws.resolve("node_modules"), 50, 6);
    Map<String, String> m2 = FileTrees.snapshot(ws.resolve(".m2/repository"));
    Map<String, String> modules = FileTrees.snapshot(ws.resolve("node_modules"));
    CliRun saved = CliRun.run(with(with(step, "PLUGIN_REBUILD", "true"), "PLUGIN_ARCHIVE_FORMAT", "gzip",
        "PLUGIN_COMPRESSION_LEVEL", "4"));
    assertEquals(ExitCode.OK, saved.code(), saved.out() + saved.err());
    assertTrue(saved.out().contains("saved cache key 'm2-main-"), saved.out());
    CliRun kept = CliRun.run(with(with(step, "PLUGIN_REBUILD", "true"), "PLUGIN_OVERRIDE", "false"));
    assertTrue(kept.out().contains("exists; not saved"), kept.out());

    // A later build of another branch on a fresh workspace: falls back to main's entry.
    FileTrees.delete(ws.resolve(".m2"));
    FileTrees.delete(ws.resolve("node_modules"));
    Map<String, String> feature = with(with(restore, "DRONE_COMMIT_BRANCH", "feature-x"), "PLUGIN_RESTORE_KEYS",
        "m2-feature-x-,m2-main-");
    CliRun hit = CliRun.run(feature);
    assertEquals(ExitCode.OK, hit.code(), hit.err());
    assertTrue(hit.out().contains("(restore key match)"), hit.out());
    assertEquals(m2, FileTrees.snapshot(ws.resolve(".m2/repository")));
    assertEquals(modules, FileTrees.snapshot(ws.resolve("node_modules")));

    CliRun flush = CliRun.run(with(with(storage, "PLUGIN_FLUSH", "true"), "PLUGIN_FLUSH_AGE", "0"));
    assertEquals(ExitCode.OK, flush.code(), flush.err());
    assertTrue(flush.out().contains("deleted 1 entry"), flush.out());
    assertTrue(CliRun.run(restore).out().contains("cache miss"));

    CliRun both = CliRun.run(with(restore, "PLUGIN_REBUILD", "true"));
    assertEquals(ExitCode.CONFIG, both.code());
    assertTrue(both.err().contains("exactly one of PLUGIN_REBUILD, PLUGIN_RESTORE, PLUGIN_FLUSH"), both.err());
    return saved;
  }

  private CliRun pipeline(Map<String, String> storage) throws IOException {
    return pipelineIn(dir, storage);
  }

  static Map<String, String> with(Map<String, String> env, String... pairs) {
    Map<String, String> out = new HashMap<>(env);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }
}
