package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupDescription;
import io.kafkabackup.backup.catalog.PartitionSummary;
import io.kafkabackup.backup.catalog.TopicSummary;
import io.kafkabackup.storage.StorageBackend;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kafka-backup describe ID}. */
@Command(name = "describe", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Describe a backup: state, topics, partitions, offset and time ranges, gaps, sizes.")
final class DescribeCommand extends CliCommand {
  @Parameters(paramLabel = "BACKUP-ID", description = "The backup.")
  String backupId;

  @Override
  public Integer call() {
    CliContext ctx = context();
    try (StorageBackend storage = ctx.openStorage()) {
      BackupDescription d = new BackupCatalog(storage).describe(backupId);
      if (json()) {
        printJson(ctx.out, d);
        return ExitCode.OK;
      }
      PrintWriter out = ctx.out;
      out.printf("backup %s (%s), created %s, state %s%s%n", backupId, d.descriptor().mode(), d.descriptor().createdAt(),
          d.status() == null ? "unknown" : d.status().state().name().toLowerCase(Locale.ROOT),
          d.status() == null || d.status().finishedAt() == null ? "" : ", finished " + d.status().finishedAt());
      out.printf("source cluster %s; %,d records, %s in segments; %d consumer-group snapshot(s)%n",
          Formats.orDash(d.descriptor().sourceCluster()), d.records(), Formats.bytes(d.storedBytes()), d.groupSnapshots());
      List<List<String>> rows = new ArrayList<>();
      for (TopicSummary t : d.topics()) {
        for (PartitionSummary p : t.partitions()) {
          rows.add(List.of(t.topic(), String.valueOf(p.partition()), p.startOffset() + ".." + p.nextOffset(),
              String.format(Locale.ROOT, "%,d", p.records()), String.valueOf(p.absentOffsets()),
              p.skipped().isEmpty() ? "-" : p.skipped().toString(), String.valueOf(p.segments()),
              Formats.bytes(p.storedBytes()), time(p.minTimestamp()) + " .. " + time(p.maxTimestamp())));
        }
      }
      Formats.table(out, List.of("TOPIC", "PARTITION", "OFFSETS", "RECORDS", "ABSENT", "SKIPPED", "SEGMENTS", "SIZE",
          "TIMESTAMPS"), rows);
      return ExitCode.OK;
    }
  }

  private static String time(long millis) {
    return millis < 0 ? "-" : Instant.ofEpochMilli(millis).toString();
  }
}
