package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.PartitionProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Shows a running job's progress on standard error: on a terminal a line redrawn every second (records,
 * bytes, rate, partitions done, ETA when the end is known); elsewhere (CI, Kubernetes logs) one plain
 * line every interval.
 */
final class ProgressPrinter implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kafka-backup-progress");
    t.setDaemon(true);
    return t;
  });
  private final Supplier<List<PartitionProgress>> progress;
  private final PrintStream err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private final String what;

  ProgressPrinter(String what, Supplier<List<PartitionProgress>> progress, PrintStream err, boolean terminal,
      Duration interval) {
    this.what = what;
    this.progress = progress;
    this.err = err;
    this.terminal = terminal;
    long every = terminal ? 1000 : interval.toMillis();
    timer.scheduleAtFixedRate(this::print, every, every, TimeUnit.MILLISECONDS);
  }

  private void print() {
    List<PartitionProgress> partitions = progress.get();
    long records = partitions.stream().mapToLong(PartitionProgress::records).sum();
    long bytes = partitions.stream().mapToLong(PartitionProgress::bytes).sum();
    long done = partitions.stream().filter(PartitionProgress::done).count();
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    long remainingOffsets = partitions.stream().filter(p -> p.endOffset() >= 0 && !p.done())
        .mapToLong(p -> Math.max(0, p.endOffset() - Math.max(0, p.committedOffset()))).sum();
    double rate = records / seconds;
    String eta = remainingOffsets > 0 && rate > 0 ? String.format(Locale.ROOT, ", ETA %ds", (long) (remainingOffsets / rate))
        : "";
    String line = String.format(Locale.ROOT, "%s: %,d records, %s, %,.0f records/s, %d/%d partitions done%s", what,
        records, Formats.bytes(bytes), rate, done, partitions.size(), eta);
    if (terminal) {
      err.print("\r" + line + "   ");
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal) {
      err.println();
    }
  }
}
