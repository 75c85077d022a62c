package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.backup.model.TopicDescription;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs Kafka topics up into a {@link StorageBackend}.
 *
 * <p>Records are read with {@code READ_COMMITTED} (aborted transactions and control records are never
 * stored), streamed into segments, and made part of the backup by each partition's commit log
 * ({@link io.kafkabackup.backup.log.PartitionLog}); the resume position comes from the log alone, so
 * a run killed at any point resumes without losing or repeating an offset. Offsets that are absent
 * (compaction, transaction markers) are accounted for by each commit's span; offsets deleted by
 * retention before they were read are recorded as skipped and the backup goes on.
 *
 * <p>One instance reads every partition with {@link BackupOptions#workers()} consumers; several
 * instances with the same {@link BackupOptions#groupId()} share the partitions through the Kafka group
 * coordinator, and each partition's new owner fences the old one in the commit log.
 *
 * <p>The job also stores each topic's partition count and configs, and the committed offsets of the
 * consumer groups reading the topics (at the start, and periodically in continuous mode).
 */
public final class BackupJob {
  private static final Logger LOG = LoggerFactory.getLogger(BackupJob.class);
  private static final Duration HEARTBEAT = Duration.ofSeconds(30);

  private final StorageBackend storage;
  private final BackupOptions options;
  private final String writerId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();
  private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong segments = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<BackupWorker> workers = new ArrayList<>();
  private final Map<TopicPartition, String> stoppedPartitions = new ConcurrentHashMap<>();
  private final JobMetrics metrics;
  private final BackupMetadata metadata;
  /**
   * Compresses, checksums and writes full segment blocks for every worker. Two threads per core: a
   * block's write waits on the store (a file write, a full upload buffer) while others compress.
   */
  private ExecutorService encoder;
  private volatile boolean stopping;
  private volatile boolean finished;
  /** When the storage (or the cluster) began to fail the commits, {@code 0} while they succeed. */
  private final AtomicLong failingSinceNanos = new AtomicLong();
  private final AtomicInteger workersStarted = new AtomicInteger();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  /** The selected topics; a continuous backup adds those its selection comes to match. */
  private volatile Set<String> topics;
  /** Every partition handed to a worker (or the group), so discovery hands each out once. */
  private final Set<TopicPartition> known = ConcurrentHashMap.newKeySet();
  /** Whether the backup's descriptor exists, so that its final status may be written. */
  private boolean descriptorWritten;
  /** The job's admin client, open while {@link #run()} runs; thread-safe, shared by the workers. */
  private Admin admin;

  /**
   * Creates a job; nothing happens until {@link #run()}.
   *
   * @param storage where the backup goes; not closed by the job
   * @param options what to back up and how
   */
  public BackupJob(StorageBackend storage, BackupOptions options) {
    this.storage = storage;
    this.options = options;
    this.metrics = JobMetrics.backup(options.meterRegistry(), options.backupId(), options.perPartitionMetrics());
    this.metadata = new BackupMetadata(storage, options, writerId);
  }

  /**
   * Runs the backup: until the end offsets seen at the start (snapshot mode) or until {@link #stop()}
   * (continuous mode). Blocks the calling thread.
   *
   * @return what the run did
   * @throws BackupException if the run failed; what it committed stays valid
   */
  public BackupResult run() {
    long started = System.nanoTime();
    ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kafka-backup-" + options.backupId() + "-background");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger encoderThreads = new AtomicInteger();
    encoder = Executors.newFixedThreadPool(2 * Runtime.getRuntime().availableProcessors(), r -> {
      Thread t = new Thread(r, "kafka-backup-" + options.backupId() + "-encoder-" + encoderThreads.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    try (Admin admin = Admin.create(clientProperties("admin"))) {
      this.admin = admin;
      topics = options.topics().resolve(ClusterSnapshots.await(admin.listTopics().names(), "listing topics"));
      if (topics.isEmpty()) {
        throw new SelectionException("no topic matches " + options.topics().describe());
      }
      String clusterId = ClusterSnapshots.await(admin.describeCluster().clusterId(), "describing the cluster");
      metadata.writeDescriptor(clusterId);
      descriptorWritten = true;
      metadata.writeStatus(BackupState.RUNNING, null, null);
      List<TopicDescription> described = metadata.describe(admin, topics);
      metadata.storeSecurity(admin, topics, metadata.snapshotGroups(admin, topics));
      List<TopicPartition> partitions = new ArrayList<>();
      for (TopicDescription d : described) {
        for (int p = 0; p < d.partitions(); p++) {
          partitions.add(new TopicPartition(d.topic(), p));
        }
      }
      readBounds(partitions);
      LOG.info("backup {} ({}): {} topics, {} partitions, writer {}, {} worker(s){}", options.backupId(),
          options.mode().name().toLowerCase(Locale.ROOT), topics.size(), partitions.size(), writerId,
          options.workers(), options.groupId() == null ? "" : ", group " + options.groupId());
      background.scheduleAtFixedRate(metadata::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
          TimeUnit.MILLISECONDS);
      if (options.mode() == BackupMode.CONTINUOUS) {
        long every = options.groupSnapshotInterval().toMillis();
        background.scheduleAtFixedRate(() -> metadata.snapshotGroupsQuietly(admin, topics), every, every,
            TimeUnit.MILLISECONDS);
        long discover = options.discoveryInterval().toMillis();
        background.scheduleWithFixedDelay(this::discoverQuietly, discover, discover, TimeUnit.MILLISECONDS);
      }
      known.addAll(partitions);
      runWorkers(partitions);
      if (!stoppedPartitions.isEmpty()) {
        failure.compareAndSet(null, new BackupException("backup " + options.backupId() + ": "
            + stoppedPartitions.size() + " partition(s) stopped: "
            + stoppedPartitions.values().stream().sorted().collect(Collectors.joining("; "))));
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    } finally {
      background.shutdownNow();
      // Every segment was finished or abandoned by its worker, so no block is left with the encoder.
      encoder.shutdownNow();
    }
    finished = true;
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    Throwable failed = failure.get();
    BackupState state = failed != null ? BackupState.FAILED
        : options.mode() == BackupMode.SNAPSHOT && !stopping ? BackupState.COMPLETE : BackupState.STOPPED;
    try {
      if (descriptorWritten) { // a job that failed before its descriptor leaves nothing behind
        metadata.writeStatus(state, Instant.now().toString(), failed == null ? null : failed.getMessage());
      }
    } catch (StorageException e) {
      LOG.warn("backup {}: could not write the final status: {}", options.backupId(), e.getMessage());
    }
    if (failed != null) {
      throw failed instanceof BackupException b ? b
          : new BackupException("backup " + options.backupId() + " failed: " + failed.getMessage(), failed);
    }
    LOG.info("backup {} {}: {} records, {} bytes in {} segments, {} s", options.backupId(),
        state.name().toLowerCase(Locale.ROOT), records.get(), bytes.get(), segments.get(), elapsed.toSeconds());
    return new BackupResult(options.backupId(), state, progress(), records.get(), bytes.get(), segments.get(),
        elapsed.toMillis());
  }

  /**
   * Asks the job to stop: every partition commits what it has read, then {@link #run()} returns. Safe
   * to call from any thread (a signal handler, a test).
   */
  public void stop() {
    stopping = true;
    stopRequested.countDown();
    synchronized (workers) {
      workers.forEach(BackupWorker::wakeup);
    }
  }

  /**
   * How the job is doing, for health probes.
   *
   * @param storageWindow how long commits may fail before the job is not ready
   * @return live while the job has not ended or given up; ready once every worker has claimed its
   *     partitions and while commits have not been failing for longer than {@code storageWindow}
   */
  public JobHealth health(Duration storageWindow) {
    boolean live = !finished && failure.get() == null;
    int started = workersStarted.get();
    long failingSince = failingSinceNanos.get();
    if (!live) {
      return new JobHealth(false, false, failure.get() == null ? "ended" : "failed: " + failure.get().getMessage());
    }
    synchronized (workers) {
      if (workers.isEmpty() || started < workers.size()) {
        return new JobHealth(true, false, "claiming partitions");
      }
    }
    if (failingSince != 0 && System.nanoTime() - failingSince > storageWindow.toNanos()) {
      return new JobHealth(true, false, "commits failing for "
          + Duration.ofNanos(System.nanoTime() - failingSince).toSeconds() + " s");
    }
    return new JobHealth(true, true, "ok");
  }

  /**
   * The progress of every partition this run has seen, for progress displays.
   *
   * @return a snapshot, sorted by topic and partition
   */
  public List<PartitionProgress> progress() {
    return progress.values().stream()
        .sorted(Comparator.comparing(PartitionProgress::topic).thenComparingInt(PartitionProgress::partition))
        .collect(Collectors.toList());
  }

  private void runWorkers(List<TopicPartition> partitions) {
    int count = options.groupId() == null ? Math.min(options.workers(), partitions.size()) : options.workers();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<TopicPartition> share = null;
      if (options.groupId() == null) {
        share = new ArrayList<>();
        for (int p = i; p < partitions.size(); p += count) {
          share.add(partitions.get(p));
        }
      }
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(i));
      BackupWorker worker = new BackupWorker(this, consumer, share);
      synchronized (workers) {
        workers.add(worker);
      }
      Thread thread = new Thread(worker, "kafka-backup-" + options.backupId() + "-" + i);
      threads.add(thread);
      thread.start();
    }
    if (stopping) {
      stop();
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
      }
    }
  }

  private void readBounds(List<TopicPartition> partitions) {
    Map<String, Object> props = consumerProperties(-1);
    try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(props)) {
      // READ_COMMITTED: the end is the last stable offset, so open transactions are not waited for.
      endOffsets.putAll(probe.endOffsets(partitions));
    }
    for (TopicPartition tp : partitions) {
      progress.put(tp, new PartitionProgress(tp.topic(), tp.partition(), -1,
          options.mode() == BackupMode.SNAPSHOT ? endOffsets.get(tp) : -1, 0, 0, false));
    }
  }

  /**
   * A continuous backup's look for partitions added to its topics and for new topics its selection
   * matches: each is described, stored, and handed to a worker (round robin), or — under the group
   * scale-out — subscribed to, so that the group coordinator assigns it.
   */
  private void discoverQuietly() {
    try {
      List<BackupWorker> current;
      synchronized (workers) {
        current = new ArrayList<>(workers);
      }
      if (current.isEmpty()) {
        return;
      }
      Set<String> selected = options.topics().present(ClusterSnapshots.await(admin.listTopics().names(),
          "listing topics"));
      // Partition counts from the metadata alone; configs are read only for topics that are new or grew.
      Map<String, org.apache.kafka.clients.admin.TopicDescription> counts = ClusterSnapshots.await(
          admin.describeTopics(selected).allTopicNames(), "describing topics " + selected);
      List<TopicPartition> fresh = new ArrayList<>();
      Set<String> grown = new TreeSet<>();
      boolean newTopics = false;
      for (String topic : selected) {
        if (!topics.contains(topic)) {
          newTopics = true;
          grown.add(topic);
        }
        for (int p = 0; p < counts.get(topic).partitions().size(); p++) {
          TopicPartition tp = new TopicPartition(topic, p);
          if (known.add(tp)) {
            grown.add(topic);
            fresh.add(tp);
            progress.putIfAbsent(tp, new PartitionProgress(tp.topic(), tp.partition(), -1, -1, 0, 0, false));
          }
        }
      }
      if (!grown.isEmpty()) {
        // before the new partitions' first commits
        metadata.describe(admin, grown);
      }
      if (newTopics) {
        Set<String> all = new TreeSet<>(topics);
        all.addAll(selected);
        topics = Set.copyOf(all);
      }
      if (fresh.isEmpty()) {
        return;
      }
      LOG.info("backup {}: {} new partition(s) to back up from their first offset: {}", options.backupId(),
          fresh.size(), fresh);
      for (int i = 0; i < fresh.size(); i++) {
        if (options.groupId() == null) {
          current.get(i % current.size()).offer(fresh.get(i));
        }
      }
      if (options.groupId() != null && newTopics) {
        current.forEach(w -> w.resubscribe(topics)); // new partitions of subscribed topics come by themselves
      }
    } catch (RuntimeException e) {
      LOG.warn("backup {}: looking for new partitions failed, trying again in {}: {}", options.backupId(),
          options.discoveryInterval(), e.getMessage());
    }
  }

  private Map<String, Object> clientProperties(String role) {
    Map<String, Object> props = new HashMap<>(options.kafka());
    props.putIfAbsent("client.id", "kafka-backup-" + options.backupId() + "-" + role);
    return props;
  }

  private Map<String, Object> consumerProperties(int index) {
    Map<String, Object> props = clientProperties(index < 0 ? "probe" : "consumer-" + index);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
    if (options.groupId() != null && index >= 0) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
    } else {
      props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }
    return props;
  }

  // ---- called by the workers ----

  StorageBackend storage() {
    return storage;
  }

  Executor encoder() {
    return encoder;
  }

  BackupOptions options() {
    return options;
  }

  String writerId() {
    return writerId;
  }

  Set<String> topics() {
    return topics;
  }

  boolean stopping() {
    return stopping || failure.get() != null;
  }

  /** Waits until the job is asked to stop, or for {@code timeout}. */
  void awaitStop(Duration timeout) {
    try {
      stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
    }
  }

  boolean snapshot() {
    return options.mode() == BackupMode.SNAPSHOT;
  }

  long endOffset(TopicPartition tp) {
    return endOffsets.getOrDefault(tp, Long.MAX_VALUE);
  }

  /** A snapshot backs a new incarnation up to its end when the job noticed it. */
  void newEndOffset(TopicPartition tp, long end) {
    endOffsets.put(tp, end);
    progress.computeIfPresent(tp, (k, p) -> new PartitionProgress(p.topic(), p.partition(), p.committedOffset(),
        snapshot() ? end : p.endOffset(), p.records(), p.bytes(), p.done()));
  }

  /**
   * The topics' ids in the cluster now.
   *
   * @return name to id; a topic that does not exist is absent
   * @throws BackupException if the cluster did not answer
   */
  Map<String, String> topicIds(Collection<String> names) {
    return ClusterSnapshots.topicIds(admin, names);
  }

  /**
   * Stores the shape of a topic that was created again, before its new incarnation's first commit: once
   * per incarnation, however many of its partitions switch.
   */
  void describeAgain(String topic, String topicId) {
    metadata.describeOnce(admin, topic, topicId);
  }

  /** A partition's backup stopped for good: the job fails, or goes on and reports it at the end. */
  void partitionStopped(TopicPartition tp, String message) {
    if (metrics != null) {
      metrics.error("truncated", tp.topic());
    }
    if (options.onPartitionError() == PartitionErrorPolicy.FAIL) {
      fail(new BackupException(message));
    } else {
      LOG.error("{}", message);
      stoppedPartitions.put(tp, message);
    }
  }

  /** A worker has taken its first partitions (or its group assignment). */
  void workerStarted() {
    workersStarted.incrementAndGet();
  }

  /** A partition's commit, read or check failed; it is retried after a back-off. */
  void failedOnce(TopicPartition tp, RuntimeException cause) {
    failingSinceNanos.compareAndSet(0, System.nanoTime());
    if (metrics != null) {
      metrics.error(cause instanceof BackupException ? "kafka" : "storage", tp.topic());
    }
  }

  void committed(TopicPartition tp, SegmentEntry segment) {
    failingSinceNanos.set(0);
    if (metrics != null) {
      metrics.count("commits", tp.topic(), 1);
    }
    if (segment == null) {
      return;
    }
    records.addAndGet(segment.recordCount());
    bytes.addAndGet(segment.storedBytes());
    segments.incrementAndGet();
    if (metrics != null) {
      metrics.count("records", tp.topic(), segment.recordCount());
      metrics.count("bytes", tp.topic(), segment.storedBytes());
      metrics.count("segments", tp.topic(), 1);
    }
    progress.computeIfPresent(tp, (k, p) -> new PartitionProgress(p.topic(), p.partition(), segment.nextOffset(),
        p.endOffset(), p.records() + segment.recordCount(), p.bytes() + segment.storedBytes(), p.done()));
  }

  void report(TopicPartition tp, long committedOffset, boolean done) {
    progress.computeIfPresent(tp, (k, p) -> new PartitionProgress(p.topic(), p.partition(), committedOffset,
        p.endOffset(), p.records(), p.bytes(), done || p.done()));
  }

  JobMetrics metrics() {
    return metrics;
  }

  void fenced(TopicPartition tp, RuntimeException e) {
    if (metrics != null) {
      metrics.error("fenced", tp.topic());
    }
    if (options.groupId() == null) {
      fail(e);
    }
  }

  void fail(Throwable e) {
    if (failure.compareAndSet(null, e)) {
      if (e instanceof BackupException || e instanceof StorageException) {
        // An outcome the caller is told about (fenced, a truncated log, a store that refused): one line;
        // the caller reports it again, so the trace is for debugging only.
        LOG.info("backup {} failed: {}", options.backupId(), e.getMessage());
        LOG.debug("backup {} failure", options.backupId(), e);
      } else {
        LOG.error("backup {} failed: {}", options.backupId(), e.getMessage(), e);
      }
    }
    stop();
  }
}
