package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.PartitionProgress;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The progress option of the commands that run a job ({@code backup}, {@code restore}). */
final class ProgressOptions {
  @Option(names = "--progress-interval", defaultValue = "10s",
      description = "How often progress is printed when standard error is not a terminal.")
  String progressInterval;

  /** Starts printing a job's progress to the CLI's standard error. */
  ProgressPrinter start(String what, Supplier<List<PartitionProgress>> progress, KafkaBackupCli root) {
    return new ProgressPrinter(what, progress, root.stderr, System.console() != null,
        Enums.duration("--progress-interval", progressInterval));
  }
}
