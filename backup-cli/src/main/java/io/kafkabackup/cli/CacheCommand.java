package io.kafkabackup.cli;

import io.kafkabackup.cache.BuildCache;
import io.kafkabackup.cache.CacheException;
import io.kafkabackup.cache.EntrySummary;
import io.kafkabackup.cache.FlushSelector;
import io.kafkabackup.cache.KeyTemplate;
import io.kafkabackup.cache.RestoreResult;
import io.kafkabackup.cache.SaveOptions;
import io.kafkabackup.cache.SaveResult;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.StorageBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-backup cache}: CI build caches on the configured storage. The subcommands share the
 * storage settings of every other command ({@code -c}, {@code --storage}) and a working directory.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Save, restore, flush and list CI build caches (tar, gzip or zstd archives with a SHA-256) on the "
        + "configured storage. With no arguments and PLUGIN_* variables set, kafka-backup runs as a drone-cache "
        + "compatible plugin step (docs/cache.md).",
    subcommands = {CacheCommand.Save.class, CacheCommand.Restore.class, CacheCommand.Flush.class,
        CacheCommand.ListEntries.class})
final class CacheCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.CONFIG;
  }

  /** What the cache subcommands share: the working directory, key rendering and the open cache. */
  abstract static class CacheSubcommand extends CliCommand {
    @Option(names = {"-C", "--workdir"}, paramLabel = "DIR", defaultValue = ".",
        description = "Directory the mounts and checksum files are relative to.")
    Path workdir;

    Path workdir() {
      return workdir.toAbsolutePath().normalize();
    }

    /** Renders a key template; a template error is a usage error. */
    String render(CliContext ctx, String option, String template) {
      try {
        return new KeyTemplate(workdir(), ctx.env, Clock.systemUTC()).render(template);
      } catch (CacheException e) {
        throw new ConfigException(option + ": " + e.getMessage());
      }
    }

    <T> T withCache(CliContext ctx, Function<BuildCache, T> action) {
      try (StorageBackend storage = ctx.openStorage();
          KeyWrapper kek = ctx.openKeyWrapper()) {
        return action.apply(new BuildCache(storage, Clock.systemUTC(), kek));
      }
    }
  }

  /** {@code cache save}. */
  @Command(name = "save", aliases = "rebuild", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Archive the mounts under a key: streamed straight into storage, checksummed, visible only once "
          + "complete.")
  static final class Save extends CacheSubcommand {
    @Option(names = {"-k", "--key"}, required = true, paramLabel = "TEMPLATE",
        description = "Cache key, a template: {{ checksum \"pom.xml\" }}, {{ hashFiles \"**/pom.xml\" }}, "
            + "{{ .Commit.Branch }}, {{ os }}, {{ arch }}, {{ epoch }}.")
    String key;
    @Option(names = {"-m", "--mount"}, required = true, split = ",", paramLabel = "PATH",
        description = "Path to cache, relative to --workdir (repeatable or comma-separated).")
    List<String> mounts;
    @Option(names = "--format", defaultValue = "zstd", description = "tar, gzip or zstd.")
    String format;
    @Option(names = "--level", description = "Compression level (gzip 1-9, default 6; zstd 1-19, default 3).")
    Integer level;
    @Option(names = "--skip-symlinks", description = "Leave symbolic links out.")
    boolean skipSymlinks;
    @Option(names = "--no-override", description = "Keep an existing entry of this key (create-only save).")
    boolean noOverride;
    @Option(names = "--encrypt", description = "Encrypt the archive under a fresh data key wrapped by the "
        + "key-encryption key of storage.encryption (a restore then needs that key).")
    boolean encrypt;

    @Override
    public Integer call() {
      CliContext ctx = context();
      String rendered = render(ctx, "--key", key);
      SaveOptions options = CacheOutput.saveOptions(format, level, skipSymlinks, !noOverride, encrypt);
      SaveResult result = withCache(ctx, c -> c.save(rendered, workdir(), mounts, options));
      CacheOutput.saved(this, ctx, result);
      return ExitCode.OK;
    }
  }

  /** {@code cache restore}. */
  @Command(name = "restore", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Install the entry of a key, or the newest entry of the first restore-key prefix that has one. "
          + "A miss is success unless --fail-on-miss.")
  static final class Restore extends CacheSubcommand {
    @Option(names = {"-k", "--key"}, required = true, paramLabel = "TEMPLATE", description = "Cache key (template).")
    String key;
    @Option(names = {"-r", "--restore-key"}, split = ",", paramLabel = "PREFIX",
        description = "Key prefix (template) to fall back on, in order; the newest match wins (repeatable).")
    List<String> restoreKeys = new ArrayList<>();
    @Option(names = "--fail-on-miss", description = "Exit " + ExitCode.CACHE_MISS + " when no entry matches.")
    boolean failOnMiss;

    @Override
    public Integer call() {
      CliContext ctx = context();
      String rendered = render(ctx, "--key", key);
      List<String> prefixes = restoreKeys.stream().map(t -> render(ctx, "--restore-key", t)).toList();
      RestoreResult result = withCache(ctx, c -> c.restore(rendered, prefixes, workdir()));
      CacheOutput.restored(this, ctx, result, prefixes);
      return result.hit() || !failOnMiss ? ExitCode.OK : ExitCode.CACHE_MISS;
    }
  }

  /** {@code cache flush}. */
  @Command(name = "flush", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Delete entries by key, key prefix or age. --dry-run lists them only.")
  static final class Flush extends CacheSubcommand {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Selector selector;
    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

    /** Exactly one way to select entries. */
    static final class Selector {
      @Option(names = {"-k", "--key"}, paramLabel = "TEMPLATE", description = "One entry (template).")
      String key;
      @Option(names = "--prefix", paramLabel = "PREFIX", description = "Every entry whose key starts with this.")
      String prefix;
      @Option(names = "--older-than", paramLabel = "DURATION", description = "Entries saved before this long ago (7d).")
      String olderThan;
    }

    @Override
    public Integer call() {
      CliContext ctx = context();
      FlushSelector chosen = selector.key != null
          ? new FlushSelector.Key(render(ctx, "--key", selector.key))
          : selector.prefix != null ? new FlushSelector.Prefix(selector.prefix)
          : new FlushSelector.OlderThan(Enums.duration("--older-than", selector.olderThan));
      List<EntrySummary> flushed = withCache(ctx, c -> c.flush(chosen, dryRun));
      CacheOutput.entries(this, ctx, flushed, dryRun ? "would delete" : "deleted");
      return ExitCode.OK;
    }
  }

  /** {@code cache list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, showDefaultValues = true, description = "List entries, newest first.")
  static final class ListEntries extends CacheSubcommand {
    @Option(names = "--prefix", defaultValue = "", paramLabel = "PREFIX", description = "Only keys starting with this.")
    String prefix;

    @Override
    public Integer call() {
      CliContext ctx = context();
      List<EntrySummary> entries = withCache(ctx, c -> c.list(prefix));
      CacheOutput.entries(this, ctx, entries, null);
      return ExitCode.OK;
    }
  }
}
