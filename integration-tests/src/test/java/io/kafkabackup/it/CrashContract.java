package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.PartitionState;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestoreResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs in their own JVMs killed with {@code kill -9} at random points while producers keep writing:
 * after resuming, every offset is in exactly one committed segment (backup) and every record is in the
 * target exactly once, in order (restore). The count of kills is bounded so the suite stays short. Each
 * subclass runs it on one provider's real server, which the forked jobs reach over loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class CrashContract {
  private static final int KILLS = 4;
  private KafkaBroker broker;
  private KafkaBroker target;
  @TempDir
  Path dir;

  /** A fresh, empty storage configuration; {@code name} tells tests of one class apart. */
  protected abstract Map<String, String> storageConfig(String name);

  @BeforeAll
  void start() {
    broker = KafkaBroker.start();
    target = KafkaBroker.start();
  }

  @AfterAll
  void stop() {
    broker.close();
    target.close();
  }

  private Map<String, String> settings(Map<String, String> storage, String job, KafkaBroker cluster, String backupId,
      String topic) {
    Map<String, String> s = new HashMap<>(storage);
    s.put("job", job);
    s.put("bootstrap", cluster.bootstrapServers());
    s.put("backup.id", backupId);
    s.put("topic", topic);
    return s;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static long commits(StorageBackend storage, String backupId, String topic, int partitions) {
    long n = 0;
    for (int p = 0; p < partitions; p++) {
      n += PartitionLog.read(storage, backupId, new SourcePartition(topic, p)).lastSequence() + 1;
    }
    return n;
  }

  @Test
  void aBackupKilledAtRandomPointsLosesAndRepeatsNoOffset() throws Exception {
    Map<String, String> config = storageConfig("backup-kill");
    String topic = "crash-backup";
    broker.createTopic(topic, 4, Map.of());
    Random random = new Random();
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StorageBackend storage = StorageUnderTest.open(config)) {
      Future<Long> producer = pool.submit(() -> KafkaFixtures.produceWhile(broker, topic, 4, producing));
      for (int kill = 0; kill < KILLS; kill++) {
        long before = commits(storage, "crashy", topic, 4);
        Process job = JobProcess.start(dir, settings(config, "backup", broker, "crashy", topic));
        await(() -> commits(storage, "crashy", topic, 4) > before + 2, "commits by run " + kill);
        TimeUnit.MILLISECONDS.sleep(random.nextInt(1500));
        job.destroyForcibly().waitFor();
      }
      producing.set(false);
      assertTrue(producer.get() > 0);
      new BackupJob(storage, BackupOptions.builder("crashy", TopicSelection.of(topic))
          .kafka(broker.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
      assertEquals(KafkaFixtures.readCommitted(broker, topic), KafkaFixtures.backedUp(storage, "crashy", topic, 4));
      for (int p = 0; p < 4; p++) {
        PartitionState state = PartitionLog.read(storage, "crashy", new SourcePartition(topic, p));
        long expected = state.startOffset();
        for (SegmentEntry s : KafkaFixtures.segments(storage, state.current())) {
          assertEquals(expected, s.startOffset(), "spans are contiguous");
          expected = s.nextOffset();
        }
      }
    } finally {
      producing.set(false);
      pool.shutdownNow();
    }
  }

  @Test
  void threeGroupInstancesWithOneKilledBackUpEveryOffsetOnce() throws Exception {
    Map<String, String> config = storageConfig("group-kill");
    String topic = "crash-group";
    broker.createTopic(topic, 6, Map.of());
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    List<Process> jobs = new ArrayList<>();
    try (StorageBackend storage = StorageUnderTest.open(config)) {
      Future<Long> producer = pool.submit(() -> KafkaFixtures.produceWhile(broker, topic, 6, producing));
      Map<String, String> s = settings(config, "backup", broker, "scaled", topic);
      s.put("group.id", "backup-scaled");
      for (int i = 0; i < 3; i++) {
        jobs.add(JobProcess.start(dir, s));
      }
      await(() -> commits(storage, "scaled", topic, 6) > 20, "commits by the group");
      jobs.get(0).destroyForcibly().waitFor();
      long afterKill = commits(storage, "scaled", topic, 6);
      await(() -> commits(storage, "scaled", topic, 6) > afterKill + 20, "commits after the kill");
      producing.set(false);
      assertTrue(producer.get() > 0);
      for (Process job : jobs.subList(1, 3)) {
        job.destroy(); // SIGTERM: the job commits what it read and stops
      }
      for (Process job : jobs.subList(1, 3)) {
        assertTrue(job.waitFor(60, TimeUnit.SECONDS), "a stopped instance exits");
      }
      new BackupJob(storage, BackupOptions.builder("scaled", TopicSelection.of(topic))
          .kafka(broker.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
      assertEquals(KafkaFixtures.readCommitted(broker, topic), KafkaFixtures.backedUp(storage, "scaled", topic, 6));
      long writers = 0;
      for (int p = 0; p < 6; p++) {
        writers += KafkaFixtures.segments(storage, "scaled", new SourcePartition(topic, p)).size();
      }
      assertTrue(writers > 6);
    } finally {
      producing.set(false);
      jobs.forEach(Process::destroyForcibly);
      pool.shutdownNow();
    }
  }

  @Test
  void aRestoreKilledAtRandomPointsProducesEveryRecordOnceInOrder() throws Exception {
    Map<String, String> config = storageConfig("restore-kill");
    String topic = "crash-restore";
    int total = 24_000;
    broker.createTopic(topic, 4, Map.of());
    KafkaFixtures.producePlain(broker, topic, 4, total, 21);
    Random random = new Random();
    String restored = topic + "-restored";
    try (StorageBackend storage = StorageUnderTest.open(config)) {
      // Small segments: a restore's transactions end only at segment ends, and the kills need many of them.
      new BackupJob(storage, BackupOptions.builder("source", TopicSelection.of(topic)).kafka(broker.clientProperties())
          .segmentLimits(1024 * 1024, 100, Duration.ofMinutes(1)).pollTimeout(Duration.ofMillis(100)).build()).run();
      Map<String, String> s = settings(config, "restore", target, "source", topic);
      s.put("target.topic", restored);
      // 240 segments of 100 records, 50 ms before each: a run restores at most ~2,000 records a second, so
      // each of the killed runs below takes a few thousand and the final run always has some left.
      s.put("restore.segment.pause.millis", "50");
      long seen = 0;
      int kills = 0;
      for (int run = 0; run < KILLS; run++) {
        Process job = JobProcess.start(dir, s);
        long before = seen;
        // Kill only once this run has committed something, at a random moment after that.
        await(() -> !job.isAlive() || restoredCount(restored) > before + 500, "restore progress in run " + run);
        TimeUnit.MILLISECONDS.sleep(random.nextInt(400));
        if (job.isAlive()) {
          job.destroyForcibly().waitFor();
          kills++;
        }
        seen = restoredCount(restored);
      }
      assertTrue(kills >= 2, "restores killed mid-way: " + kills);
      long beforeFinal = restoredCount(restored);
      assertTrue(beforeFinal > 0 && beforeFinal < total, "the killed runs committed part of it: " + beforeFinal);
      RestoreResult last = new RestoreJob(storage, RestoreOptions.builder("source").kafka(target.clientProperties())
          .renameTopic(topic, restored).transactionRecords(25).build()).run();
      assertEquals(total - beforeFinal, last.records(), "the final run restores exactly what was missing");
    }
    Map<Integer, List<BackupRecord>> sourceRecords = KafkaFixtures.readCommitted(broker, topic);
    Map<Integer, List<BackupRecord>> restoredRecords = KafkaFixtures.readCommitted(target, restored);
    for (int p = 0; p < 4; p++) {
      assertEquals(values(sourceRecords.get(p)), values(restoredRecords.get(p)), "partition " + p + ": once each, in order");
    }
  }

  private long restoredCount(String topic) {
    try (Admin admin = target.admin()) {
      if (!admin.listTopics().names().get().contains(topic)) {
        return 0;
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return KafkaFixtures.readCommitted(target, topic).values().stream().mapToLong(List::size).sum();
  }

  private static List<String> values(List<BackupRecord> records) {
    return records.stream().map(r -> Arrays.toString(r.value()) + "@" + r.timestamp()).collect(Collectors.toList());
  }
}
