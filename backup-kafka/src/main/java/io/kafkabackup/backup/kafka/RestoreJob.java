package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.GroupOffsetsSnapshot;
import io.kafkabackup.backup.model.TopicDescription;
import io.kafkabackup.storage.StorageBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into a Kafka cluster, exactly once: each source partition is written by its own
 * transactional producer whose transactions also commit the restore position (see
 * {@link RestoreCheckpoint}), so a restore killed at any point and started again with the same restore
 * id produces every selected record once, in order, in each target partition.
 *
 * <p>Selection: topics, source partitions, an offset range and a time window; segments are chosen by
 * their min/max offsets and timestamps and records filtered one by one, so records with out-of-order
 * timestamps are never missed. Every segment is verified (CRC32C, SHA-256) before any of its records is
 * produced. Targets: renamed topics, partitions kept or re-hashed by key; missing topics are created with
 * the backed-up partition count and configs, existing ones checked before anything is written.
 */
public final class RestoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);
  /** The transaction timeout of a throttled restore: the broker's default transaction.max.timeout.ms. */
  static final Duration THROTTLED_TRANSACTION = Duration.ofMinutes(15);

  private final StorageBackend storage;
  private final RestoreOptions options;
  private final Map<SourcePartition, PartitionProgress> progress = new ConcurrentHashMap<>();
  private final JobMetrics metrics;
  /** Shared by every partition, or null without a limit. */
  private final Throttle bytesThrottle;
  private final Throttle recordsThrottle;
  private volatile boolean stopping;
  private Admin admin;
  /** The checks of the last plan, which also know what a purge deletes. */
  private RestorePreflight preflight;

  /**
   * Creates a job; nothing happens until {@link #plan()} or {@link #run()}.
   *
   * @param storage where the backup is; not closed by the job
   * @param options what to restore and where
   */
  public RestoreJob(StorageBackend storage, RestoreOptions options) {
    this.storage = storage;
    this.options = options;
    this.metrics = JobMetrics.restore(options.meterRegistry(), options.backupId(), options.restoreId());
    this.bytesThrottle = options.maxBytesPerSecond() > 0 ? new Throttle(options.maxBytesPerSecond()) : null;
    this.recordsThrottle = options.maxRecordsPerSecond() > 0 ? new Throttle(options.maxRecordsPerSecond()) : null;
  }

  /**
   * The consumer group that holds a source partition's restore position.
   *
   * @param restoreId the restore's id
   * @param source the source partition
   * @return the group id
   */
  public static String positionGroup(String restoreId, SourcePartition source) {
    return "kafka-backup-restore." + restoreId + "." + source.topic() + "." + source.partition();
  }

  /**
   * The transactional id of a source partition's producer.
   *
   * @param restoreId the restore's id
   * @param source the source partition
   * @return the id
   */
  static String transactionalId(String restoreId, SourcePartition source) {
    return "kafka-backup-restore-" + restoreId + "-" + source;
  }

  /**
   * Works out what the restore would do, and checks the target, without writing anything.
   *
   * @return the plan
   * @throws SelectionException if the target cannot take the restore: every problem is named (too few
   *     partitions, an incompatible cleanup policy or timestamp type, no write permission, records already
   *     there under the {@code fail} policy)
   */
  public RestorePlan plan() {
    try (Admin a = Admin.create(clientProperties("admin"))) {
      return plan(a, new TreeMap<>(), null);
    }
  }

  /**
   * Prepares a restore whose records another engine produces — Kafka Connect's exactly-once source task,
   * which reads them through {@link PartitionReplay}: plans and checks the target as {@link #plan()},
   * deletes existing records under the {@code purge} policy, and creates the missing target topics.
   *
   * @param resumed tells, given the selected source partitions, whether this restore already produced
   *     some of them (the caller's own positions say so): the records in its targets are then its own,
   *     neither refused nor purged
   * @return the plan, with each target topic's partition count
   * @throws SelectionException if the target cannot take the restore, every problem named
   */
  public RestorePlan prepare(Predicate<Set<SourcePartition>> resumed) {
    try (Admin a = Admin.create(clientProperties("admin"))) {
      RestorePlan plan = plan(a, new TreeMap<>(), resumed);
      purgeTargets(plan);
      createTopics(a, plan);
      return plan;
    }
  }

  /**
   * Plans, keeping each selected partition's chosen incarnation in {@code chosen} so a run reads every
   * log once. Whether the restore resumes is the caller's word when it has one, else read from the
   * restore's position groups.
   */
  private RestorePlan plan(Admin a, Map<SourcePartition, Incarnation> chosen,
      Predicate<Set<SourcePartition>> resumedByCaller) {
    BackupCatalog catalog = new BackupCatalog(storage);
    catalog.descriptor(options.backupId());
    List<String> backedUp = catalog.topics(options.backupId());
    Set<String> topics = options.topics() == null ? new TreeSet<>(backedUp)
        : options.topics().resolve(backedUp);
    if (topics.isEmpty()) {
      throw new SelectionException("no topic of backup '" + options.backupId() + "' is selected");
    }
    Set<String> existing = ClusterSnapshots.await(a.listTopics().names(), "listing target topics");
    Map<String, Integer> existingCounts = new HashMap<>();
    Set<String> existingTargets = new HashSet<>();
    for (String topic : topics) {
      if (existing.contains(options.targetTopic(topic))) {
        existingTargets.add(options.targetTopic(topic));
      }
    }
    // Described once, with the principal's authorized operations, for the partition counts and the preflight.
    Map<String, org.apache.kafka.clients.admin.TopicDescription> existingDescriptions = existingTargets.isEmpty()
        ? Map.of() : ClusterSnapshots.await(a.describeTopics(existingTargets,
            new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames(), "describing target topics");
    existingDescriptions.forEach((name, d) -> existingCounts.put(name, d.partitions().size()));
    List<RestorePlan.TopicPlan> topicPlans = new ArrayList<>();
    List<RestorePlan.PartitionPlan> partitionPlans = new ArrayList<>();
    RestorePreflight check = new RestorePreflight(a, options, clientProperties("preflight"));
    Map<String, TopicDescription> existingTargetSources = new TreeMap<>();
    Map<SourcePartition, String> targetsBySource = new HashMap<>();
    for (String topic : topics) {
      TopicDescription description = catalog.topicDescription(options.backupId(), topic, options.incarnation(topic))
          .orElseThrow(() -> new BackupException("backup '" + options.backupId() + "' has no description of topic "
              + topic));
      String target = options.targetTopic(topic);
      boolean create = !existingCounts.containsKey(target);
      int targetCount = create ? (options.targetPartitions() != null ? options.targetPartitions()
          : description.partitions()) : existingCounts.get(target);
      if (create && !options.createTopics()) {
        check.add("target topic '" + target + "' does not exist and topic creation is off");
      }
      if (!create) {
        existingTargetSources.put(target, description);
      }
      List<SourcePartition> partitions = catalog.partitions(options.backupId(), topic).stream()
          .filter(p -> options.partitions() == null || options.partitions().contains(p.partition()))
          .collect(Collectors.toList());
      if (options.partitionMapping() == PartitionMapping.KEEP) {
        int highest = partitions.stream().mapToInt(SourcePartition::partition).max().orElse(-1);
        if (highest >= targetCount) {
          check.add("target topic '" + target + "' has " + targetCount + " partitions but the backup of '"
              + topic + "' has partition " + highest + ": restore with the key-hash partition mapping, or into a "
              + "topic with at least " + (highest + 1) + " partitions");
        }
      }
      topicPlans.add(new RestorePlan.TopicPlan(topic, target, description.partitions(), targetCount, create,
          description.configs(), 0, false));
      for (SourcePartition partition : partitions) {
        targetsBySource.put(partition, target);
        Incarnation incarnation = RestoreSelection.incarnation(options, partition,
            PartitionLog.read(storage, options.backupId(), partition));
        chosen.put(partition, incarnation);
        // Counted from the manifests' summaries: only those the selection cuts through are opened.
        PartitionHistory.Selection selected = PartitionHistory.select(storage, incarnation, options.segmentFilter());
        Duration halfTransaction = THROTTLED_TRANSACTION.dividedBy(2);
        if (timeToProduce(selected.maxSegmentUncompressedBytes(), selected.maxSegmentRecords())
            .compareTo(halfTransaction) > 0) {
          // The summaries bound the largest segment from above: find the one that is too slow, if one is.
          // One segment is one transaction at least; at the limit it must end well within the timeout.
          try (Stream<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation,
              options.segmentFilter())) {
            Optional<SegmentEntry> slow = segments.filter(s -> timeToProduce(s.uncompressedBytes(), s.recordCount())
                .compareTo(halfTransaction) > 0).findFirst();
            if (slow.isPresent()) {
              SegmentEntry segment = slow.get();
              check.add("segment '" + segment.key() + "' (" + segment.uncompressedBytes()
                  + " bytes, " + segment.recordCount() + " records) takes "
                  + timeToProduce(segment.uncompressedBytes(), segment.recordCount()).toSeconds()
                  + " s at the restore's limit, longer than half a transaction's "
                  + THROTTLED_TRANSACTION.toMinutes() + " minutes: raise max-bytes-per-second / max-records-per-second");
            }
          }
        }
        partitionPlans.add(new RestorePlan.PartitionPlan(topic, partition.partition(), incarnation.topicId(),
            selected.segments(), selected.records(), selected.storedBytes()));
      }
    }
    // Before anything is written, every existing target is checked and every problem named at once. A
    // restore id that already restored something continues: the records in its targets are its own.
    boolean resumed = resumedByCaller != null ? resumedByCaller.test(targetsBySource.keySet())
        : check.resumed(targetsBySource);
    Map<String, Long> existingOffsets = check.check(existingTargetSources, existingDescriptions, !resumed);
    if (!check.problems().isEmpty()) {
      throw new SelectionException("restore '" + options.restoreId() + "' cannot start:\n  - "
          + String.join("\n  - ", check.problems()));
    }
    this.preflight = check;
    List<RestorePlan.TopicPlan> checked = topicPlans.stream().map(t -> {
      long records = existingOffsets.getOrDefault(t.target(), 0L);
      return new RestorePlan.TopicPlan(t.source(), t.target(), t.sourcePartitions(), t.targetPartitions(), t.create(),
          t.configs(), records, !resumed && records > 0 && options.onExistingData() == ExistingDataPolicy.PURGE);
    }).collect(Collectors.toList());
    return new RestorePlan(options.backupId(), options.restoreId(), checked, partitionPlans);
  }

  /**
   * Restores: creates missing topics, then restores the selected partitions, {@link RestoreOptions#concurrency()}
   * at a time. Blocks the calling thread.
   *
   * @return what was done
   * @throws BackupException if the restore failed; what it committed stays, and a new run with the same
   *     restore id continues from there
   */
  public RestoreResult run() {
    long started = System.nanoTime();
    try (Admin a = Admin.create(clientProperties("admin"))) {
      this.admin = a;
      Map<SourcePartition, Incarnation> chosen = new TreeMap<>();
      RestorePlan plan = plan(a, chosen, null);
      purgeTargets(plan);
      createTopics(a, plan);
      Map<String, Set<Long>> groupOffsets = groupOffsetsBySourcePartition(chosen);
      ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
        Thread t = new Thread(r, "kafka-restore-" + options.restoreId());
        t.setDaemon(true);
        return t;
      });
      List<Future<?>> tasks = new ArrayList<>();
      List<PartitionRestore> restores = new ArrayList<>();
      Map<String, Integer> targetCounts = plan.topics().stream()
          .collect(Collectors.toMap(RestorePlan.TopicPlan::source, RestorePlan.TopicPlan::targetPartitions));
      for (RestorePlan.PartitionPlan p : plan.partitions()) {
        SourcePartition source = new SourcePartition(p.topic(), p.partition());
        progress.put(source, new PartitionProgress(p.topic(), p.partition(), -1, -1, 0, 0, false));
        PartitionRestore restore = new PartitionRestore(this, source, options.targetTopic(p.topic()),
            targetCounts.get(p.topic()), chosen.get(source),
            groupOffsets.getOrDefault(source.toString(), Set.of()));
        restores.add(restore);
        tasks.add(pool.submit(restore::run));
      }
      try {
        for (Future<?> task : tasks) {
          task.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new BackupException("restore interrupted", e);
      } catch (ExecutionException e) {
        stop();
        Throwable cause = e.getCause();
        throw cause instanceof BackupException b ? b
            : new BackupException("restore of backup '" + options.backupId() + "' failed: " + cause.getMessage(), cause);
      } finally {
        pool.shutdownNow();
      }
      long records = restores.stream().mapToLong(PartitionRestore::records).sum();
      long bytes = restores.stream().mapToLong(PartitionRestore::bytes).sum();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      LOG.info("restore {} of backup {}: {} records, {} bytes in {} s", options.restoreId(), options.backupId(),
          records, bytes, elapsed.toSeconds());
      return new RestoreResult(plan, progress(), records, bytes, elapsed.toMillis());
    } finally {
      this.admin = null;
    }
  }

  /** Asks the job to stop after the current transactions; safe from any thread. */
  public void stop() {
    stopping = true;
  }

  /**
   * The progress of every source partition, for progress displays.
   *
   * @return a snapshot, sorted by topic and partition
   */
  public List<PartitionProgress> progress() {
    return progress.values().stream()
        .sorted(Comparator.comparing(PartitionProgress::topic).thenComparingInt(PartitionProgress::partition))
        .collect(Collectors.toList());
  }

  /** The purge policy: deletes what the target topics held when they were checked. */
  private void purgeTargets(RestorePlan plan) {
    List<String> purged = plan.topics().stream().filter(RestorePlan.TopicPlan::purge).map(RestorePlan.TopicPlan::target)
        .collect(Collectors.toList());
    if (!purged.isEmpty()) {
      Map<TopicPartition, Long> starts = preflight.purge(purged);
      LOG.info("restore {}: deleted the records already in {} (partitions now start at {})", options.restoreId(), purged,
          starts);
    }
  }

  private void createTopics(Admin a, RestorePlan plan) {
    List<NewTopic> create = new ArrayList<>();
    List<TopicPartition> all = new ArrayList<>();
    for (RestorePlan.TopicPlan topic : plan.topics()) {
      if (topic.create()) {
        create.add(new NewTopic(topic.target(), Optional.of(topic.targetPartitions()),
            Optional.empty()).configs(topic.configs()));
      }
      for (int p = 0; p < topic.targetPartitions(); p++) {
        all.add(new TopicPartition(topic.target(), p));
      }
    }
    if (!create.isEmpty()) {
      try {
        a.createTopics(create).all().get();
        LOG.info("restore {}: created topics {}", options.restoreId(),
            create.stream().map(NewTopic::name).collect(Collectors.toList()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackupException("interrupted while creating topics", e);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new BackupException("creating target topics failed: " + e.getCause().getMessage(), e.getCause());
        }
      }
    }
    awaitLeaders(a, all);
  }

  /** Producing right after creation meets NOT_LEADER_OR_FOLLOWER until every partition answers. */
  private static void awaitLeaders(Admin a, List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        a.listOffsets(request).all().get();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackupException("interrupted while waiting for partition leaders", e);
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new BackupException("target partitions have no leader after 60 s: " + e.getCause().getMessage(),
              e.getCause());
        }
      }
    }
  }

  private Map<String, Set<Long>> groupOffsetsBySourcePartition(Map<SourcePartition, Incarnation> chosen) {
    Map<String, Set<Long>> result = new HashMap<>();
    if (options.partitionMapping() != PartitionMapping.KEEP) {
      return result; // offsets cannot be translated when records of a partition spread over several
    }
    for (GroupOffsetsSnapshot.GroupOffsets group : RestoreSelection.groupOffsets(new BackupCatalog(storage),
        options.backupId(), chosen)) {
      for (GroupOffsetsSnapshot.CommittedOffset o : group.offsets()) {
        result.computeIfAbsent(new SourcePartition(o.topic(), o.partition()).toString(), k -> new HashSet<>())
            .add(o.offset());
      }
    }
    return result;
  }

  // ---- used by PartitionRestore and GroupOffsetsRestore ----

  StorageBackend storage() {
    return storage;
  }

  RestoreOptions options() {
    return options;
  }

  boolean stopping() {
    return stopping;
  }

  RestoreCheckpoint readCheckpoint(String group, TopicPartition key) {
    return readCheckpoint(admin, group, key);
  }

  static RestoreCheckpoint readCheckpoint(Admin a, String group, TopicPartition key) {
    Map<TopicPartition, OffsetAndMetadata> offsets = ClusterSnapshots.await(
        a.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(key))),
            new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group),
        "reading the restore position of group " + group);
    OffsetAndMetadata committed = offsets.get(key);
    return committed == null ? RestoreCheckpoint.START
        : RestoreCheckpoint.parse(committed.offset(), committed.metadata(), group);
  }

  Map<String, Object> producerProperties(SourcePartition source) {
    Map<String, Object> props = clientProperties("producer-" + source);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(options.restoreId(), source));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
    // A throttled restore produces a segment slowly: give its transactions the broker's default maximum.
    props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, throttled() ? (int) THROTTLED_TRANSACTION.toMillis()
        : 120_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  private Map<String, Object> clientProperties(String role) {
    Map<String, Object> props = new TreeMap<>(options.kafka());
    props.putIfAbsent("client.id", "kafka-restore-" + options.restoreId() + "-" + role);
    return props;
  }

  JobMetrics metrics() {
    return metrics;
  }

  boolean throttled() {
    return bytesThrottle != null || recordsThrottle != null;
  }

  /**
   * How long producing a segment takes at the restore's rate.
   *
   * @return the time, zero without a limit
   */
  Duration timeToProduce(long uncompressedBytes, long records) {
    double seconds = 0;
    if (bytesThrottle != null) {
      seconds = Math.max(seconds, uncompressedBytes / bytesThrottle.perSecond());
    }
    if (recordsThrottle != null) {
      seconds = Math.max(seconds, records / recordsThrottle.perSecond());
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }

  /** Waits, when the restore is throttled, until one more record of {@code bytes} may be produced. */
  void throttle(long bytes) {
    if (bytesThrottle != null) {
      bytesThrottle.acquire(bytes);
    }
    if (recordsThrottle != null) {
      recordsThrottle.acquire(1);
    }
  }

  void report(SourcePartition source, long position, long records, long bytes, boolean done) {
    progress.put(source, new PartitionProgress(source.topic(), source.partition(), position, -1, records, bytes, done));
  }
}
