package io.kafkabackup.cli;

import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupDescription;
import io.kafkabackup.backup.catalog.IncarnationSummary;
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
    description = "Describe a backup: state, topics, partitions and their incarnations (a topic deleted and created "
        + "again under the same name is a new incarnation, with its own topic id), offset and time ranges, gaps, sizes.")
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
      if (d.security() != null) {
        out.printf("security kept %s: %s; %d client quota(s)%s%n", d.security().capturedAt(), d.security().authorizer()
            ? d.security().acls().size() + " ACL(s) (" + d.security().scope() + ")" : "no authorizer on the cluster",
            d.security().quotas().size(), d.security().problem() == null ? "" : " (" + d.security().problem() + ")");
      }
      List<List<String>> rows = new ArrayList<>();
      for (TopicSummary t : d.topics()) {
        for (PartitionSummary p : t.partitions()) {
          for (IncarnationSummary i : p.incarnations()) {
            rows.add(List.of(t.topic(), String.valueOf(p.partition()), topicId(i), i.startOffset() + ".." + i.nextOffset(),
                String.format(Locale.ROOT, "%,d", i.records()), String.valueOf(i.absentOffsets()),
                i.skipped().isEmpty() ? "-" : i.skipped().toString(), String.valueOf(i.segments()),
                Formats.bytes(i.storedBytes()), time(i.minTimestamp()) + " .. " + time(i.maxTimestamp()),
                Formats.orDash(i.openedAt()) + " .. " + (i.closedAt() == null ? "current" : i.closedAt())));
          }
        }
      }
      Formats.table(out, List.of("TOPIC", "PARTITION", "TOPIC ID", "OFFSETS", "RECORDS", "ABSENT", "SKIPPED", "SEGMENTS",
          "SIZE", "TIMESTAMPS", "INCARNATION"), rows);
      d.warnings().forEach(w -> out.println("warning: " + w));
      return ExitCode.OK;
    }
  }

  private static String topicId(IncarnationSummary i) {
    if (i.topicId() == null) {
      return "unknown";
    }
    return i.topicIdFrom() < 0 ? i.topicId() : i.topicId() + " (from " + i.topicIdFrom() + ")";
  }

  private static String time(long millis) {
    return millis < 0 ? "-" : Instant.ofEpochMilli(millis).toString();
  }
}
