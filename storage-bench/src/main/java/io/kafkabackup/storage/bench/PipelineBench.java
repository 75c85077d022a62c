package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The backup and restore pipeline on a real KRaft broker, next to its limits in the same run: a plain
 * idempotent producer writing the records (what a restore can reach), a plain consumer reading them
 * (what a backup can read), the raw SDK storing as many bytes (what a backup can write), then the
 * backup into each provider and the restore from it, and the raw SDK reading the bytes back (what a
 * restore can read). Records of ~1 KiB with keys, 1 and 8 partitions.
 * When the jobs run in a JVM of their own, the plain producer and consumer also run once more in such
 * a JVM (cold, same heap): the limits as a program started for the job would reach them.
 *
 * <p>System properties: {@code bench.pipelineMiB} (data per run, default 256), {@code bench.providers},
 * {@code bench.pipelineWarmupMiB} (an untimed filesystem cycle first, default 128; 0 for none).
 */
final class PipelineBench {
  /** The records' value size. */
  static final int VALUE_BYTES = 1000;
  /** The bytes a record of these topics holds with its key and framing, as the store-side runs count them. */
  static final int RECORD_BYTES = VALUE_BYTES + 24;
  /** The backup's default segment size, for the store-side runs' objects. */
  static final long SEGMENT_BYTES = 64L * 1024 * 1024;

  private PipelineBench() {
  }

  static String run() throws Exception {
    long mib = Long.getLong("bench.pipelineMiB", 256);
    long records = mib * 1024 * 1024 / RECORD_BYTES;
    List<String> providers = List.of(System.getProperty("bench.providers", "filesystem,azure,s3").split(","));
    StringBuilder md = new StringBuilder("## Backup and restore pipeline\n\n")
        .append(String.format(Locale.ROOT, "%,d records of ~1 KiB (%d MiB) per run, one KRaft broker on loopback; "
            + "backup and restore in a JVM of their own with -Xmx%d MiB (0: in this one). Rates in records/s and MB/s "
            + "of record payload; CPU is the CPU seconds per GB of this process (broker, S3Proxy), Azurite's and the "
            + "job's. The cold columns: the same producer and consumer in a JVM like the jobs'. The cost ratios "
            + "divide the backup's CPU by the cold consumer's plus the raw write's, the restore's by the cold "
            + "producer's plus the raw read's (goal ≤ 1.2); the last three columns do the same with our backend "
            + "writing and reading those bytes in a cold JVM like the jobs'.%n%n",
            records, mib, childHeapMib()))
        .append("| provider | partitions | producer (restore limit) | consumer (read limit) | raw SDK write (write limit) "
            + "| backup | backup ÷ slower limit | restore | restore ÷ producer "
            + "| CPU s/GB producer / consumer / raw write / backup / restore | job peak RSS MiB backup / restore "
            + "| cold producer / consumer: MB/s, CPU s/GB | backup ÷ slower cold limit | restore ÷ cold producer "
            + "| raw SDK read: MB/s, CPU s/GB | backup CPU ÷ (cold consumer + raw write) "
            + "| restore CPU ÷ (cold producer + raw read) | cold write / read through ours: MB/s, CPU s/GB "
            + "| backup CPU ÷ (cold consumer + cold write) | restore CPU ÷ (cold producer + cold read) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Path scratch = Files.createTempDirectory("bench-pipeline-");
    try (KafkaBroker broker = KafkaBroker.start()) {
      // Untimed: the first Kafka, backup and restore work of the JVM compiles the code every cell runs.
      long warmupRecords = Long.getLong("bench.pipelineWarmupMiB", 128) * 1024 * 1024 / RECORD_BYTES;
      if (warmupRecords > 0) {
        cell(broker, scratch, "warmup", "filesystem", 8, warmupRecords);
      }
      List<Cell> cells = new ArrayList<>();
      for (int partitions : new int[] {1, 8}) {
        for (String provider : providers) {
          Cell cell = cell(broker, scratch, "pipeline", provider.trim(), partitions, records);
          cells.add(cell);
          md.append(cell.row());
          System.out.print(cell.row());
        }
      }
      md.append(azureOverS3(cells));
    }
    return md.toString();
  }

  /**
   * One measured cell: its table row, and the rates the Azure ÷ S3 comparison needs.
   *
   * @param row the markdown row
   * @param provider the provider
   * @param partitions the partition count
   * @param backup the backup's rate
   * @param restore the restore's rate
   * @param write the raw SDK's write rate on the same server
   * @param read the raw SDK's read rate on the same server
   */
  private record Cell(String row, String provider, int partitions, Rate backup, Rate restore, Rate write, Rate read) {
  }

  /**
   * The PRD's "Azure throughput ≥ 90 % of S3's", normalised: each job's rate divided by the raw SDK's
   * write (backup) or read (restore) on the same emulator, then Azure's share over S3's — Azurite and
   * S3Proxy differ in speed, and that difference is not ours to measure.
   */
  private static String azureOverS3(List<Cell> cells) {
    StringBuilder md = new StringBuilder("\n| partitions | backup Azure ÷ S3 (raw) | backup Azure ÷ S3 (normalised by raw "
        + "write) | restore Azure ÷ S3 (raw) | restore Azure ÷ S3 (normalised by raw read) |\n|---|---|---|---|---|\n");
    boolean any = false;
    for (Cell azure : cells) {
      if (!azure.provider().equals("azure")) {
        continue;
      }
      for (Cell s3 : cells) {
        if (s3.provider().equals("s3") && s3.partitions() == azure.partitions()) {
          any = true;
          double backup = azure.backup().perSecond() / s3.backup().perSecond();
          double restore = azure.restore().perSecond() / s3.restore().perSecond();
          md.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f |%n", azure.partitions(), backup,
              backup / (azure.write().perSecond() / s3.write().perSecond()), restore,
              restore / (azure.read().perSecond() / s3.read().perSecond())));
        }
      }
    }
    return any ? md.toString() : "";
  }

  /** Measures one provider and partition count on a topic of its own. */
  private static Cell cell(KafkaBroker broker, Path scratch, String prefix, String provider, int partitions,
      long records) throws Exception {
    String topic = prefix + "-" + provider + "-" + partitions;
    String bootstrap = (String) broker.clientProperties().get("bootstrap.servers");
    broker.createTopic(topic, partitions, Map.of());
    Rate produce = produce(bootstrap, topic, partitions, records);
    Rate consume = consume(bootstrap, topic, partitions, records);
    String cold = "– | – | –";
    Rate coldProduce = null;
    Rate coldConsume = null;
    if (childHeapMib() > 0) {
      broker.createTopic(topic + "-cold-producer", partitions, Map.of());
      List<String> counts = List.of(String.valueOf(partitions), String.valueOf(records));
      coldProduce = inChild("produce", topic + "-cold-producer", bootstrap, counts, -1);
      coldConsume = inChild("consume", topic, bootstrap, counts, -1);
    }
    try (Fixture fixture = Fixture.open(provider, scratch)) {
      // The write limit: the raw SDK (plain NIO for the filesystem) storing as many bytes as the records hold,
      // as `partitions` writers at once, each streaming objects of the backup's segment size; then the read
      // limit reading them back. Both as the record rate they allow, on the store the jobs use next.
      Target raw = fixture.raw();
      Rate write = stored(raw, "store-write", partitions, records);
      Rate read = stored(raw, "store-read", partitions, records);
      // The store's part of each job alone, through our backend in a cold JVM like the jobs': what the backup
      // and the restore add beyond reading and writing is the rest.
      String coldStore = "– | – | –";
      Rate coldWrite = null;
      Rate coldRead = null;
      if (childHeapMib() > 0) {
        List<String> args = new ArrayList<>(storageArgs(fixture));
        args.addAll(List.of(PipelineChild.PARTITIONS + partitions, PipelineChild.RECORDS + records));
        coldWrite = inChild("store-write", topic + "-store", bootstrap, args, -1);
        coldRead = inChild("store-read", topic + "-store", bootstrap, args, -1);
      }
      Rate backupRate = job(fixture, bootstrap, "backup", topic, records * VALUE_BYTES);
      Rate restoreRate = job(fixture, bootstrap, "restore", topic, -1);
      double limit = Math.min(consume.perSecond(), write.perSecond());
      if (coldProduce != null) {
        cold = String.format(Locale.ROOT, "%.0f / %.0f MB/s, %.1f / %.1f | %.2f | %.2f", coldProduce.megabytesPerSecond(),
            coldConsume.megabytesPerSecond(), coldProduce.cpuPerGb(), coldConsume.cpuPerGb(),
            backupRate.perSecond() / Math.min(coldConsume.perSecond(), write.perSecond()),
            restoreRate.perSecond() / coldProduce.perSecond());
      }
      // Without cold runs the warm producer and consumer are the parts the jobs' costs are compared with.
      Rate reader = coldConsume != null ? coldConsume : consume;
      Rate producer = coldProduce != null ? coldProduce : produce;
      if (coldWrite != null) {
        coldStore = String.format(Locale.ROOT, "%.0f / %.0f MB/s, %.1f / %.1f | %.2f | %.2f", coldWrite.megabytesPerSecond(),
            coldRead.megabytesPerSecond(), coldWrite.cpuPerGb(), coldRead.cpuPerGb(),
            backupRate.cpuPerGb() / (reader.cpuPerGb() + coldWrite.cpuPerGb()),
            restoreRate.cpuPerGb() / (producer.cpuPerGb() + coldRead.cpuPerGb()));
      }
      String row = String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %.2f | %s | %.2f | %.1f / %.1f / %.1f / %.1f / %.1f "
          + "| %s / %s | %s | %.0f MB/s, %.1f | %.2f | %.2f | %s |%n",
          provider, partitions, produce, consume, write, backupRate, backupRate.perSecond() / limit,
          restoreRate, restoreRate.perSecond() / produce.perSecond(), produce.cpuPerGb(), consume.cpuPerGb(),
          write.cpuPerGb(), backupRate.cpuPerGb(), restoreRate.cpuPerGb(), backupRate.peakRssMib(),
          restoreRate.peakRssMib(), cold, read.megabytesPerSecond(), read.cpuPerGb(),
          backupRate.cpuPerGb() / (reader.cpuPerGb() + write.cpuPerGb()),
          restoreRate.cpuPerGb() / (producer.cpuPerGb() + read.cpuPerGb()), coldStore);
      return new Cell(row, provider, partitions, backupRate, restoreRate, write, read);
    }
  }

  /** {@code bench.pipelineChildHeapMiB}: the heap of the jobs' JVM (default 256), 0 to run them in this one. */
  private static int childHeapMib() {
    return Integer.getInteger("bench.pipelineChildHeapMiB", 256);
  }

  /**
   * Runs a backup or a restore: in a child JVM with {@code bench.pipelineChildHeapMiB} of heap (the
   * broker and the emulators stay here), or in this JVM when that is 0. CPU is this process's (broker,
   * S3Proxy) plus the child's.
   *
   * @param payload the payload bytes the rate counts, or -1 for the job's own count
   */
  private static Rate job(Fixture fixture, String bootstrap, String mode, String topic, long payload)
      throws Exception {
    if (childHeapMib() <= 0) {
      long cpu0 = cpuNanos();
      long[] done = PipelineChild.run(fixture.backend, mode, topic, topic, Map.of("bootstrap.servers", bootstrap),
          Long.MAX_VALUE, null);
      return new Rate(done[0], payload < 0 ? done[1] : payload, done[2], cpuNanos() - cpu0, "");
    }
    return inChild(mode, topic, bootstrap, storageArgs(fixture), payload);
  }

  /** The fixture's storage configuration as a child's {@code key=value} arguments. */
  private static List<String> storageArgs(Fixture fixture) {
    List<String> storage = new ArrayList<>();
    fixture.config.forEach((k, v) -> storage.add(k + "=" + v));
    return storage;
  }

  /**
   * Runs {@link PipelineChild} in a JVM with {@code bench.pipelineChildHeapMiB} of heap and
   * {@code bench.childJavaOptions}; its log goes to {@code target/bench}. CPU is this process's plus the child's.
   *
   * @param args the child's arguments after mode, topic and bootstrap servers
   * @param payload the payload bytes the rate counts, or -1 for the child's own count
   */
  static Rate inChild(String mode, String topic, String bootstrap, List<String> args, long payload)
      throws Exception {
    int heapMib = childHeapMib();
    long cpu0 = cpuNanos();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMib + "m"));
    // bench.childJavaOptions: extra flags for the job's JVM, such as a GC log.
    String extra = System.getProperty("bench.childJavaOptions", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", MemoryProbe.classpath(), PipelineChild.class.getName(), mode, topic, bootstrap));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Files.writeString(Files.createDirectories(Path.of("target", "bench")).resolve("pipeline-" + mode + "-" + topic + ".log"), out);
    if (p.waitFor() != 0 || !out.contains("ok ")) {
      throw new IllegalStateException(mode + " in a " + heapMib + " MiB JVM failed:\n" + out);
    }
    String[] f = out.substring(out.lastIndexOf("ok ")).trim().split("\\s+");
    long parentCpu = cpuNanos() - cpu0;
    return new Rate(Long.parseLong(f[1]), payload < 0 ? Long.parseLong(f[2]) : payload, Long.parseLong(f[3]),
        parentCpu + Long.parseLong(f[4]), String.format(Locale.ROOT, "%.0f", Long.parseLong(f[6]) / 1024.0));
  }

  /**
   * The raw SDK's (plain NIO's) write or read limit in this JVM: {@link PipelineChild#store}, the same work
   * our backend does in the cold store-side runs, with this process's CPU.
   */
  private static Rate stored(Target raw, String mode, int partitions, long records) throws Exception {
    long cpu0 = cpuNanos();
    long[] done = PipelineChild.store(raw, mode, "raw-write", partitions, records);
    return new Rate(done[0], done[1], done[2], cpuNanos() - cpu0);
  }

  private static long cpuNanos() {
    return CpuClock.nanos();
  }

  /** The restore limit: a plain idempotent producer writing {@code records} records, round robin. */
  static Rate produce(String bootstrap, String topic, int partitions, long records) throws Exception {
    Map<String, Object> p = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("enable.idempotence", true);
    p.put("acks", "all");
    p.put("linger.ms", 10);
    p.put("batch.size", 256 * 1024);
    p.put("compression.type", "lz4");
    Random random = new Random(1);
    byte[] value = new byte[VALUE_BYTES];
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> last = new ArrayList<>();
      for (long i = 0; i < records; i++) {
        random.nextBytes(value);
        Future<RecordMetadata> f = producer.send(new ProducerRecord<>(topic, (int) (i % partitions),
            ("key-" + (i % 10_000)).getBytes(), value.clone()));
        if (i >= records - partitions) {
          last.add(f);
        }
      }
      producer.flush();
      for (Future<RecordMetadata> f : last) {
        f.get();
      }
    }
    return new Rate(records, records * VALUE_BYTES, System.nanoTime() - t0, cpuNanos() - cpu0);
  }

  /** The read limit: a plain read-committed consumer reading {@code records} records from the start. */
  static Rate consume(String bootstrap, String topic, int partitions, long records) {
    Map<String, Object> p = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      while (read < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        read += batch.count();
      }
    }
    return new Rate(read, read * VALUE_BYTES, System.nanoTime() - t0, cpuNanos() - cpu0);
  }

  /** A measured rate. */
  record Rate(long records, long bytes, long nanos, long cpuNanos, String peakRssMib) {
    Rate(long records, long bytes, long nanos, long cpuNanos) {
      this(records, bytes, nanos, cpuNanos, "");
    }

    double perSecond() {
      return records / (nanos / 1e9);
    }

    double megabytesPerSecond() {
      return bytes / (nanos / 1e9) / 1e6;
    }

    double cpuPerGb() {
      return cpuNanos / 1e9 / (bytes / 1e9);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,.0f rec/s, %.0f MB/s", perSecond(), megabytesPerSecond());
    }
  }
}
