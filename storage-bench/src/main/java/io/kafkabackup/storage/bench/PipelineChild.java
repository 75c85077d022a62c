package io.kafkabackup.storage.bench;

import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestoreResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one backup or restore of the pipeline benchmark in a JVM of its own, started by
 * {@link PipelineBench} with the heap under test, so that the job's memory is measured apart from the
 * broker and the emulators; or the plain producer or consumer the jobs are compared with, in the same
 * kind of JVM; or the store's part alone, through our backend in such a JVM: writing as many bytes as
 * the records hold as segment-sized objects, or reading them back. Prints
 * {@code ok <records> <bytes> <nanos> <process CPU nanos> <VmHWM>}.
 */
public final class PipelineChild {
  /** The argument that ends a backup's segments at a record count (the connect benchmark's). */
  static final String SEGMENT_RECORDS = "backup.segment-max-records=";
  /** The argument that names the job: the backup id, and the restore's target {@code <name>-restored}. */
  static final String JOB_NAME = "job.name=";
  /** The arguments of {@code store-write} and {@code store-read}: the writers or readers, and the records. */
  static final String PARTITIONS = "store.partitions=";
  static final String RECORDS = "store.records=";

  private PipelineChild() {
  }

  /**
   * Runs the job.
   *
   * @param args {@code backup|restore}, the topic, the bootstrap servers, then {@code storage.*=value} (with
   *     {@code storage.encryption.*} for an encrypted backup), {@code backup.segment-max-records=N} for a
   *     backup whose segments end at a record count, {@code job.name=ID} for a backup id other than the topic;
   *     or {@code produce|consume}, the topic, the bootstrap servers, the partitions and the records; or
   *     {@code store-write|store-read}, the topic (the objects' prefix), the bootstrap servers (unused),
   *     {@code store.partitions=N}, {@code store.records=N} and {@code storage.*=value}
   * @throws Exception on failure (exit code non-zero)
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String topic = args[1];
    long[] done;
    if (mode.equals("produce") || mode.equals("consume")) {
      int partitions = Integer.parseInt(args[3]);
      long records = Long.parseLong(args[4]);
      PipelineBench.Rate r = mode.equals("produce") ? PipelineBench.produce(args[2], topic, partitions, records)
          : PipelineBench.consume(args[2], topic, partitions, records);
      done = new long[] {r.records(), r.bytes(), r.nanos()};
    } else {
      Map<String, String> config = new HashMap<>();
      long segmentRecords = Long.MAX_VALUE;
      String name = topic;
      int partitions = 1;
      long records = 0;
      for (int i = 3; i < args.length; i++) {
        int eq = args[i].indexOf('=');
        if (args[i].startsWith(PARTITIONS)) {
          partitions = Integer.parseInt(args[i].substring(eq + 1));
        } else if (args[i].startsWith(RECORDS)) {
          records = Long.parseLong(args[i].substring(eq + 1));
        } else if (args[i].startsWith(SEGMENT_RECORDS)) {
          segmentRecords = Long.parseLong(args[i].substring(eq + 1));
        } else if (args[i].startsWith(JOB_NAME)) {
          name = args[i].substring(eq + 1);
        } else {
          config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
      }
      try (StorageBackend backend = StorageBackends.builder().config(config).environment(Map.of()).open();
          KeyWrapper kek = KeyWrappers.open(config, Map.of(), PipelineChild.class.getClassLoader()).orElse(null)) {
        done = mode.startsWith("store-") ? store(new OursTarget(backend), mode, topic, partitions, records)
            : run(backend, mode, topic, name, Map.of("bootstrap.servers", args[2]), segmentRecords, kek);
      }
    }
    long cpu = CpuClock.nanos();
    String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .findFirst().orElse("VmHWM: ? kB").replaceAll("\\s+", " ");
    System.out.println("ok " + done[0] + " " + done[1] + " " + done[2] + " " + cpu + " " + hwm);
  }

  /**
   * The store's part of a backup or a restore alone, on our backend or the raw SDK: {@code partitions}
   * writers storing as many bytes as {@code records} hold as segment-sized objects under {@code prefix/},
   * or as many readers reading every object there (whole, one GET each), then deleting them (untimed).
   *
   * @return records, their payload bytes as the jobs count them, and the nanoseconds
   */
  static long[] store(Target target, String mode, String prefix, int partitions, long records) throws Exception {
    long perPartition = records * PipelineBench.RECORD_BYTES / partitions;
    long t0 = System.nanoTime();
    long nanos;
    if (mode.equals("store-write")) {
      Target.writeSegments(target, prefix, partitions, perPartition, PipelineBench.SEGMENT_BYTES);
      nanos = System.nanoTime() - t0;
    } else {
      List<String> keys = Target.segmentKeys(prefix, partitions, perPartition, PipelineBench.SEGMENT_BYTES);
      Target.readAll(target, keys, partitions);
      nanos = System.nanoTime() - t0;
      target.deleteAll(keys);
    }
    return new long[] {records, records * PipelineBench.VALUE_BYTES, nanos};
  }

  /**
   * Runs the pipeline benchmark's backup of {@code topic} (defaults, {@code name} as backup id) or the
   * restore of backup {@code name} (into {@code <name>-restored}), encrypted under {@code kek} if given.
   *
   * @return records, payload bytes as the job counts them, and the job's nanoseconds
   */
  static long[] run(StorageBackend backend, String mode, String topic, String name, Map<String, Object> kafka,
      long segmentRecords, KeyWrapper kek) {
    long t0 = System.nanoTime();
    if (mode.equals("backup")) {
      BackupResult r = new BackupJob(backend, BackupOptions.builder(name, TopicSelection.of(topic)).kafka(kafka)
          .segmentLimits(64L * 1024 * 1024, segmentRecords, Duration.ofMinutes(5)).encryption(kek).build()).run();
      return new long[] {r.records(), r.bytes(), System.nanoTime() - t0};
    }
    RestoreResult r = new RestoreJob(backend, RestoreOptions.builder(name).kafka(kafka)
        .renameTopic(topic, name + "-restored").encryption(kek).build()).run();
    return new long[] {r.records(), r.bytes(), System.nanoTime() - t0};
  }
}
