package io.kafkabackup.storage.bench;

import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JVM of the {@code history} benchmark's resume measurement: reads the logs of many partitions and
 * holds their states, as a backup job does after claiming them, then reports the heap they take.
 */
public final class HistoryResumeChild {
  private HistoryResumeChild() {
  }

  /**
   * Reads the partitions and prints {@code ok <heap bytes the states take after GC> <milliseconds> <count>}.
   *
   * @param args the filesystem root, the backup id, the topic and the number of partitions
   */
  public static void main(String[] args) {
    try (StorageBackend storage = StorageBackends.open(Map.of("storage.backend", "filesystem",
        "storage.filesystem.root", args[0], "storage.metrics.enabled", "false"))) {
      int partitions = Integer.parseInt(args[3]);
      System.gc();
      long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long t0 = System.nanoTime();
      List<PartitionState> states = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        states.add(PartitionLog.read(storage, args[1], new SourcePartition(args[2], p)));
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      System.gc();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - before;
      System.out.println("ok " + heap + " " + millis + " " + states.size());
    }
  }

  /** Runs {@link #main} in a JVM of its own with {@code -Xmx256m} and describes the outcome as table cells. */
  static String runIn256m(Path root, String backupId, String topic, int partitions) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", MemoryProbe.classpath(), HistoryResumeChild.class.getName(), root.toString(), backupId, topic,
        String.valueOf(partitions));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0 || !out.contains("ok ")) {
      String reason = out.contains("OutOfMemoryError") ? "no: out of memory" : "no: exit " + code;
      return reason + " |  |  |  |";
    }
    String[] f = out.substring(out.lastIndexOf("ok ")).trim().split("\\s+");
    long heap = Long.parseLong(f[1]);
    return String.format(Locale.ROOT, "yes | %.1f MiB | %.1f KiB | %.1f s |", heap / 1048576.0,
        heap / 1024.0 / partitions, Long.parseLong(f[2]) / 1000.0);
  }
}
