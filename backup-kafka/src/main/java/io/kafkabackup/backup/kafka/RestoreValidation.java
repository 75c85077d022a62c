package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.DataKeys;
import io.kafkabackup.backup.format.RecordHeader;
import io.kafkabackup.backup.format.SegmentReader;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Compares restored topics with the backup's selected records, content and all, and reports every
 * difference by partition and offset ({@code kafka-backup validate-restore}). It takes the same
 * {@link RestoreOptions} as the restore did — backup, topics, renames, incarnations, offset range,
 * point in time, mapping — and reads the targets as a {@code read_committed} consumer, from each
 * partition's start: it expects the targets to hold the restore only (restored into empty topics, or
 * purged first).
 *
 * <p>Under the keep mapping each source partition is compared record by record, in order, with its
 * target partition: a flipped byte, a missing, extra or duplicated record and a reordered pair are each
 * named with the offsets on both sides. Under key-hash, records of one key keep their order but records
 * of different keys interleave as the restore's partitions ran, so each target partition is compared key
 * by key; a key that came from several source partitions, and records without a key, as sets (their
 * order across source partitions is not defined).
 */
public final class RestoreValidation {
  /** Differences listed per partition; the rest are counted. */
  public static final int MAX_DIFFERENCES_PER_PARTITION = 100;
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
  private static final String NO_KEY = "(no key)";

  private final StorageBackend storage;
  private final RestoreOptions options;
  /** Resolves encrypted segments' data keys; null without a key-encryption key. */
  private final DataKeys keys;
  private final List<ValidationReport.Difference> differences = new ArrayList<>();
  private long differenceCount;

  /**
   * Creates a validation; nothing happens until {@link #run()}.
   *
   * @param storage where the backup is
   * @param options the restore's options
   */
  public RestoreValidation(StorageBackend storage, RestoreOptions options) {
    this.storage = storage;
    this.keys = SegmentKeys.of(storage, options.keyWrapper());
    this.options = options;
  }

  /**
   * Reads the backup's selection and the targets, and compares them.
   *
   * @return the report
   * @throws SelectionException if a selected target topic does not exist
   */
  public ValidationReport run() {
    Instant started = Instant.now();
    BackupCatalog catalog = new BackupCatalog(storage);
    catalog.descriptor(options.backupId());
    List<String> backedUp = catalog.topics(options.backupId());
    Set<String> topics = options.topics() == null ? new TreeSet<>(backedUp) : options.topics().resolve(backedUp);
    List<ValidationReport.PartitionResult> results = new ArrayList<>();
    Map<String, String> mapping = new TreeMap<>();
    boolean allTimestamps = true;
    try (Admin admin = Admin.create(properties("admin"));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      String clusterId = ClusterSnapshots.await(admin.describeCluster().clusterId(), "reading the target cluster id");
      for (String topic : topics) {
        String target = options.targetTopic(topic);
        mapping.put(topic, target);
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described;
        try {
          described = ClusterSnapshots.await(admin.describeTopics(List.of(target)).allTopicNames(),
              "describing target topic " + target);
        } catch (BackupException e) {
          throw new SelectionException("target topic '" + target + "' cannot be read: " + e.getMessage());
        }
        int targetPartitions = described.get(target).partitions().size();
        boolean timestamps = !"LogAppendTime".equalsIgnoreCase(timestampType(admin, target));
        allTimestamps &= timestamps;
        Map<SourcePartition, Incarnation> sources = new LinkedHashMap<>();
        for (SourcePartition p : catalog.partitions(options.backupId(), topic)) {
          if (options.partitions() == null || options.partitions().contains(p.partition())) {
            sources.put(p, RestoreSelection.incarnation(options, p, PartitionLog.read(storage, options.backupId(), p)));
          }
        }
        if (options.partitionMapping() == PartitionMapping.KEEP) {
          for (Map.Entry<SourcePartition, Incarnation> e : sources.entrySet()) {
            results.add(compareInOrder(consumer, e.getKey(), e.getValue(), new TopicPartition(target,
                e.getKey().partition()), timestamps));
          }
        } else {
          for (int t = 0; t < targetPartitions; t++) {
            results.add(compareByKey(consumer, sources, new TopicPartition(target, t), targetPartitions, timestamps));
          }
        }
      }
      ValidationReport.Selection selection = new ValidationReport.Selection(mapping,
          options.partitionMapping().name().toLowerCase(Locale.ROOT).replace('_', '-'), options.fromOffset(),
          options.toOffset(), options.fromTimestamp(), options.toTimestamp(), allTimestamps);
      return new ValidationReport(ValidationReport.FORMAT, options.backupId(), clusterId, selection, started.toString(),
          Duration.between(started, Instant.now()).toMillis(), results, differences, differenceCount);
    }
  }

  /** Keep mapping: one source partition against its target partition, record by record. */
  private ValidationReport.PartitionResult compareInOrder(KafkaConsumer<byte[], byte[]> consumer, SourcePartition source,
      Incarnation incarnation, TopicPartition target, boolean timestamps) {
    Side expected = new Side(selected(incarnation), timestamps);
    Side restored = new Side(new TargetRecords(consumer, target), timestamps);
    int listed = 0;
    while (expected.has(0) || restored.has(0)) {
      String kind;
      BackupRecord e = expected.peek(0);
      BackupRecord r = restored.peek(0);
      if (e == null) {
        kind = "extra";
        restored.take();
      } else if (r == null) {
        kind = "missing";
        expected.take();
      } else if (same(e, r, timestamps)) {
        expected.take();
        restored.take();
        continue;
      } else if (expected.has(1) && restored.has(1) && same(e, restored.peek(1), timestamps)
          && same(expected.peek(1), r, timestamps)) {
        kind = "reordered";
        expected.take();
        expected.take();
        restored.take();
        restored.take();
      } else if (restored.has(1) && same(e, restored.peek(1), timestamps)) {
        kind = expected.last != null && same(expected.last, r, timestamps) ? "duplicate" : "extra";
        e = expected.last;
        restored.take();
      } else if (expected.has(1) && same(expected.peek(1), r, timestamps)) {
        kind = "missing";
        r = null;
        expected.take();
      } else {
        kind = "differs";
        expected.take();
        restored.take();
      }
      differenceCount++;
      if (listed++ < MAX_DIFFERENCES_PER_PARTITION) {
        differences.add(new ValidationReport.Difference(target.topic(), target.partition(),
            e == null || kind.equals("extra") ? -1 : e.offset(), r == null ? -1 : r.offset(), kind,
            describe(kind, e, r, timestamps)));
      }
    }
    return new ValidationReport.PartitionResult(source.topic(), source.partition(), target.topic(), target.partition(),
        expected.count, restored.count, expected.range(), restored.range(), expected.digest(), restored.digest());
  }

  /** Key-hash mapping: the records the mapping sends a target partition, key by key. */
  private ValidationReport.PartitionResult compareByKey(KafkaConsumer<byte[], byte[]> consumer,
      Map<SourcePartition, Incarnation> sources, TopicPartition target, int targetPartitions, boolean timestamps) {
    Map<String, KeyTally> keys = new TreeMap<>();
    long expectedCount = 0;
    for (Map.Entry<SourcePartition, Incarnation> e : sources.entrySet()) {
      Iterator<BackupRecord> it = selected(e.getValue());
      while (it.hasNext()) {
        BackupRecord record = it.next();
        if (options.partitionMapping().targetPartition(record, e.getKey().partition(), targetPartitions)
            == target.partition()) {
          KeyTally tally = keys.computeIfAbsent(keyOf(record), k -> new KeyTally());
          tally.expected.add(record, timestamps);
          tally.sourcePartitions.add(e.getKey().partition());
          expectedCount++;
        }
      }
    }
    long restoredCount = 0;
    long[] targetRange = {-1, -1};
    Iterator<BackupRecord> restored = new TargetRecords(consumer, target);
    while (restored.hasNext()) {
      BackupRecord record = restored.next();
      KeyTally tally = keys.computeIfAbsent(keyOf(record), k -> new KeyTally());
      tally.restored.add(record, timestamps);
      if (tally.firstTargetOffset < 0) {
        tally.firstTargetOffset = record.offset();
      }
      restoredCount++;
      targetRange[0] = targetRange[0] < 0 ? record.offset() : targetRange[0];
      targetRange[1] = record.offset();
    }
    MessageDigest expectedAll = sha256();
    MessageDigest restoredAll = sha256();
    int listed = 0;
    for (Map.Entry<String, KeyTally> e : keys.entrySet()) {
      KeyTally tally = e.getValue();
      boolean ordered = tally.ordered(e.getKey());
      String expectedDigest = ordered ? tally.expected.digest() : tally.expected.unorderedDigest();
      String restoredDigest = ordered ? tally.restored.digest() : tally.restored.unorderedDigest();
      expectedAll.update((e.getKey() + "=" + expectedDigest + "\n").getBytes(StandardCharsets.UTF_8));
      restoredAll.update((e.getKey() + "=" + restoredDigest + "\n").getBytes(StandardCharsets.UTF_8));
      if (!expectedDigest.equals(restoredDigest)) {
        differenceCount++;
        if (listed++ < MAX_DIFFERENCES_PER_PARTITION) {
          differences.add(new ValidationReport.Difference(target.topic(), target.partition(), tally.expected.first,
              tally.firstTargetOffset, "key", "key " + e.getKey() + ": " + tally.expected.count + " records in the backup, "
                  + tally.restored.count + " restored" + (tally.expected.count == tally.restored.count
                      ? ", their contents or order differ" : "")));
        }
      }
    }
    return new ValidationReport.PartitionResult(target.topic(), -1, target.topic(), target.partition(), expectedCount,
        restoredCount, new long[] {-1, -1}, targetRange, HexFormat.of().formatHex(expectedAll.digest()),
        HexFormat.of().formatHex(restoredAll.digest()));
  }

  /** The records of an incarnation the options select, in offset order, each segment verified as it is read. */
  private Iterator<BackupRecord> selected(Incarnation incarnation) {
    Iterator<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation, options.segmentFilter())
        .iterator();
    return new Iterator<>() {
      private SegmentReader reader;
      private BackupRecord next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (reader != null && reader.hasNext()) {
            BackupRecord r = reader.next();
            if (options.selects(r)) {
              next = r;
            }
          } else {
            if (reader != null) {
              reader.close();
              reader = null;
            }
            if (!segments.hasNext()) {
              return false;
            }
            SegmentEntry s = segments.next();
            reader = SegmentReader.open(s.key(), storage.openStream(ObjectKey.of(s.key())), s.sha256(), keys);
          }
        }
        return true;
      }

      @Override
      public BackupRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        BackupRecord r = next;
        next = null;
        return r;
      }
    };
  }

  private static boolean same(BackupRecord a, BackupRecord b, boolean timestamps) {
    return Arrays.equals(a.key(), b.key()) && Arrays.equals(a.value(), b.value()) && sameHeaders(a, b)
        && (!timestamps || a.timestamp() == b.timestamp());
  }

  private static boolean sameHeaders(BackupRecord a, BackupRecord b) {
    if (a.headers().size() != b.headers().size()) {
      return false;
    }
    for (int i = 0; i < a.headers().size(); i++) {
      RecordHeader x = a.headers().get(i);
      RecordHeader y = b.headers().get(i);
      if (!x.key().equals(y.key()) || !Arrays.equals(x.value(), y.value())) {
        return false;
      }
    }
    return true;
  }

  private static String describe(String kind, BackupRecord e, BackupRecord r, boolean timestamps) {
    switch (kind) {
      case "missing":
        return "source offset " + e.offset() + " was not restored";
      case "extra":
        return "target offset " + r.offset() + " holds a record the backup does not";
      case "duplicate":
        return "target offset " + r.offset() + " repeats source offset " + e.offset();
      case "reordered":
        return "source offsets " + e.offset() + " and the next were restored in the opposite order at target offset "
            + r.offset();
      default:
        List<String> fields = new ArrayList<>();
        if (!Arrays.equals(e.key(), r.key())) {
          fields.add("key");
        }
        if (!Arrays.equals(e.value(), r.value())) {
          fields.add("value");
        }
        if (!sameHeaders(e, r)) {
          fields.add("headers");
        }
        if (timestamps && e.timestamp() != r.timestamp()) {
          fields.add("timestamp");
        }
        return "source offset " + e.offset() + " and target offset " + r.offset() + " differ in " + String.join(", ",
            fields);
    }
  }

  private static String keyOf(BackupRecord record) {
    return record.key() == null ? NO_KEY : HexFormat.of().formatHex(record.key());
  }

  private String timestampType(Admin admin, String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Map<ConfigResource, Config> configs = ClusterSnapshots.await(admin.describeConfigs(List.of(resource)).all(),
        "reading the configs of " + topic);
    ConfigEntry entry = configs.get(resource).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    return entry == null ? "CreateTime" : entry.value();
  }

  private Map<String, Object> properties(String role) {
    Map<String, Object> props = new TreeMap<>(options.kafka());
    props.putIfAbsent("client.id", "kafka-backup-validate-" + options.restoreId() + "-" + role);
    return props;
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> props = properties("consumer");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * The digests of one side's records, with their count and offsets: one order-sensitive, and one that
   * no order changes (the sum of each record's own digest), for records whose order the restore does not
   * define (under key-hash: one key's records from several source partitions, or records without a key).
   */
  private static final class Tally {
    private static final BigInteger MODULUS = BigInteger.TWO.pow(256);
    private final MessageDigest ordered = sha256();
    private final MessageDigest single = sha256();
    private BigInteger sum = BigInteger.ZERO;
    long count;
    long first = -1;
    long lastOffset = -1;

    void add(BackupRecord record, boolean timestamps) {
      single.reset();
      single.update(ByteBuffer.allocate(8).putLong(timestamps ? record.timestamp() : 0).array());
      bytes(record.key());
      bytes(record.value());
      single.update(ByteBuffer.allocate(4).putInt(record.headers().size()).array());
      for (RecordHeader h : record.headers()) {
        bytes(h.key().getBytes(StandardCharsets.UTF_8));
        bytes(h.value());
      }
      byte[] own = single.digest();
      ordered.update(own);
      sum = sum.add(new BigInteger(1, own)).mod(MODULUS);
      count++;
      first = first < 0 ? record.offset() : first;
      lastOffset = record.offset();
    }

    private void bytes(byte[] b) {
      single.update(ByteBuffer.allocate(4).putInt(b == null ? -1 : b.length).array());
      if (b != null) {
        single.update(b);
      }
    }

    String digest() {
      try {
        return HexFormat.of().formatHex(((MessageDigest) ordered.clone()).digest());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digests clone", e);
      }
    }

    String unorderedDigest() {
      return count + ":" + sum.toString(16);
    }
  }

  /** One key's records on both sides under key-hash. */
  private static final class KeyTally {
    final Tally expected = new Tally();
    final Tally restored = new Tally();
    final Set<Integer> sourcePartitions = new TreeSet<>();
    long firstTargetOffset = -1;

    /** Order holds within one source partition only: a key that came from several is compared as a set. */
    boolean ordered(String key) {
      return sourcePartitions.size() <= 1 && !key.equals(NO_KEY);
    }
  }

  /** One side of an in-order comparison: a look-ahead of two records, and the tally of those taken. */
  private static final class Side {
    private final Iterator<BackupRecord> records;
    private final Deque<BackupRecord> ahead = new ArrayDeque<>();
    private final Tally tally = new Tally();
    private final boolean timestamps;
    BackupRecord last;
    long count;

    Side(Iterator<BackupRecord> records, boolean timestamps) {
      this.records = records;
      this.timestamps = timestamps;
    }

    boolean has(int index) {
      while (ahead.size() <= index && records.hasNext()) {
        ahead.addLast(records.next());
      }
      return ahead.size() > index;
    }

    BackupRecord peek(int index) {
      if (!has(index)) {
        return null;
      }
      return index == 0 ? ahead.peekFirst() : new ArrayList<>(ahead).get(index);
    }

    void take() {
      last = ahead.pollFirst();
      tally.add(last, timestamps);
      count = tally.count;
    }

    long[] range() {
      return new long[] {tally.first, tally.lastOffset};
    }

    String digest() {
      return tally.digest();
    }
  }

  /** A target partition's records, as a read_committed consumer sees them, from its start to its stable end. */
  private static final class TargetRecords implements Iterator<BackupRecord> {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long end;
    private final long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    private Iterator<ConsumerRecord<byte[], byte[]>> batch = Collections.emptyIterator();

    TargetRecords(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
      this.consumer = consumer;
      this.partition = partition;
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      this.end = consumer.endOffsets(List.of(partition)).get(partition);
    }

    @Override
    public boolean hasNext() {
      while (!batch.hasNext()) {
        if (consumer.position(partition) >= end) {
          return false;
        }
        if (System.nanoTime() > deadline) {
          throw new BackupException("reading " + partition + " up to offset " + end + " took longer than "
              + READ_TIMEOUT.toMinutes() + " minutes");
        }
        batch = consumer.poll(Duration.ofMillis(500)).records(partition).iterator();
      }
      return true;
    }

    @Override
    public BackupRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return KafkaRecords.toBackup(batch.next());
    }
  }
}
