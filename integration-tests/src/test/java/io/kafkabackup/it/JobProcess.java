package io.kafkabackup.it;

import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.layer.ForwardingStorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A backup or restore job in a JVM of its own, so crash tests can kill it with {@code kill -9} at any
 * point. Settings come from a properties file: {@code job} ({@code backup} or {@code restore}),
 * {@code bootstrap}, {@code backup.id}, {@code topic}, {@code group.id}, {@code target.topic},
 * {@code restore.segment.pause.millis} and the {@code storage.*} keys. SIGTERM stops a backup cleanly.
 */
public final class JobProcess {
  private JobProcess() {
  }

  /**
   * Runs the job.
   *
   * @param args the properties file
   * @throws IOException if it cannot be read
   */
  public static void main(String[] args) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      p.load(in);
    }
    Map<String, String> storageConfig = new HashMap<>();
    p.stringPropertyNames().stream().filter(k -> k.startsWith("storage.")).forEach(k -> storageConfig.put(k, p.getProperty(k)));
    Map<String, Object> kafka = Map.of("bootstrap.servers", p.getProperty("bootstrap"));
    try (StorageBackend storage = StorageUnderTest.open(storageConfig)) {
      if (p.getProperty("job").equals("backup")) {
        BackupJob job = new BackupJob(storage, BackupOptions.builder(p.getProperty("backup.id"),
            TopicSelection.of(p.getProperty("topic"))).kafka(kafka).mode(BackupMode.CONTINUOUS)
            .groupId(p.getProperty("group.id")).workers(2).pollTimeout(Duration.ofMillis(100))
            .segmentLimits(1024 * 1024, 100, Duration.ofMillis(300)).build());
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          job.stop();
          try {
            main.join(TimeUnit.SECONDS.toMillis(20));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
        job.run();
      } else {
        // One partition at a time, each segment read after a pause: the crash test kills these runs at
        // random moments and needs them to take long enough to be killed several times before the data
        // is all restored, however fast this machine restores.
        Duration pause = Duration.ofMillis(Long.parseLong(p.getProperty("restore.segment.pause.millis", "0")));
        new RestoreJob(new PausedReads(storage, pause), RestoreOptions.builder(p.getProperty("backup.id")).kafka(kafka).concurrency(1)
            .renameTopic(p.getProperty("topic"), p.getProperty("target.topic")).transactionRecords(25).build()).run();
      }
    }
  }

  /** Pauses before every object it opens for reading, so a job's progress has a floor on its duration. */
  private static final class PausedReads extends ForwardingStorageBackend {
    private final Duration pause;

    PausedReads(StorageBackend delegate, Duration pause) {
      super(delegate);
      this.pause = pause;
    }

    @Override
    public InputStream openStream(ObjectKey key) {
      try {
        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.openStream(key);
    }
  }

  /**
   * Starts a job process.
   *
   * @param dir where to write its settings and log
   * @param settings the settings
   * @return the process
   * @throws IOException if it cannot be started
   */
  static Process start(Path dir, Map<String, String> settings) throws IOException {
    Properties p = new Properties();
    p.putAll(settings);
    Path file = Files.createTempFile(dir, "job-", ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, null);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(JobProcess.class.getName());
    command.add(file.toString());
    Path log = Path.of(file.toString().replace(".properties", ".log"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
