package io.kafkabackup.cli;

import io.kafkabackup.cache.ArchiveFormat;
import io.kafkabackup.cache.CacheEntry;
import io.kafkabackup.cache.CacheException;
import io.kafkabackup.cache.EntrySummary;
import io.kafkabackup.cache.RestoreResult;
import io.kafkabackup.cache.SaveOptions;
import io.kafkabackup.cache.SaveResult;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the cache commands parse their archive options and print their results (table or JSON). */
final class CacheOutput {
  private CacheOutput() {
  }

  static SaveOptions saveOptions(String format, Integer level, boolean skipSymlinks, boolean override,
      boolean encrypt) {
    try {
      ArchiveFormat f = ArchiveFormat.of(format);
      return new SaveOptions(f, level == null ? f.defaultLevel() : level, skipSymlinks, override, encrypt);
    } catch (CacheException e) {
      throw new ConfigException((e.getMessage().startsWith("compression level") ? "--level" : "--format") + ": "
          + e.getMessage());
    }
  }

  static void saved(CliCommand command, CliContext ctx, SaveResult result) {
    if (command.json()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("key", result.key());
      out.put("saved", result.saved());
      result.entry().ifPresent(e -> out.put("entry", e));
      out.put("skippedLinks", result.skippedLinks());
      out.put("tookMillis", result.took().toMillis());
      CliCommand.printJson(ctx.out, out);
      return;
    }
    if (!result.saved()) {
      ctx.out.printf("cache key '%s' exists; not saved (--no-override)%n", result.key());
    } else {
      CacheEntry e = result.entry().orElseThrow();
      ctx.out.printf("saved cache key '%s': %d files, %s as %s (%s, sha256 %s) in %.1f s%n", e.key(), e.files(),
          Formats.bytes(e.contentBytes()), Formats.bytes(e.archiveBytes()), e.archiveFormat(),
          e.sha256().substring(0, 12), result.took().toMillis() / 1000.0);
    }
    for (String link : result.skippedLinks()) {
      ctx.out.println("skipped symbolic link leaving its mount: " + link);
    }
    ctx.out.flush();
  }

  static void restored(CliCommand command, CliContext ctx, RestoreResult result, List<String> restoreKeys) {
    if (command.json()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("key", result.key());
      out.put("hit", result.hit());
      out.put("exact", result.exact());
      result.entry().ifPresent(e -> out.put("entry", e));
      out.put("tookMillis", result.took().toMillis());
      CliCommand.printJson(ctx.out, out);
      return;
    }
    if (!result.hit()) {
      ctx.out.printf("cache miss: no entry for key '%s'%s%n", result.key(),
          restoreKeys.isEmpty() ? "" : " nor restore keys " + restoreKeys);
    } else {
      CacheEntry e = result.entry().orElseThrow();
      ctx.out.printf("restored cache key '%s'%s: %d files, %s into %s in %.1f s%n", e.key(),
          result.exact() ? "" : " (restore key match)", e.files(), Formats.bytes(e.contentBytes()),
          String.join(", ", e.mounts()), result.took().toMillis() / 1000.0);
    }
    ctx.out.flush();
  }

  static void entries(CliCommand command, CliContext ctx, List<EntrySummary> entries, String verb) {
    List<EntrySummary> sorted = entries.stream().sorted(Comparator.comparing(EntrySummary::savedAt).reversed())
        .toList();
    if (command.json()) {
      CliCommand.printJson(ctx.out, sorted);
      return;
    }
    Formats.table(ctx.out, List.of("KEY", "SAVED", "SIZE", "STATE"), sorted.stream()
        .map(e -> List.of(e.key(), e.savedAt().toString(), Formats.bytes(e.bytes()),
            e.complete() ? "complete" : "incomplete save")).toList());
    if (verb != null) {
      ctx.out.printf("%s %d entr%s%n", verb, sorted.size(), sorted.size() == 1 ? "y" : "ies");
    }
    ctx.out.flush();
  }
}
