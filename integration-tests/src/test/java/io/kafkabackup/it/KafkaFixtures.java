package io.kafkabackup.it;

import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.kafkabackup.backup.log.SegmentFilter;
import io.kafkabackup.backup.log.PartitionHistory;
import io.kafkabackup.backup.log.Incarnation;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.RecordHeader;
import io.kafkabackup.backup.format.SegmentReader;
import io.kafkabackup.backup.format.TimestampKind;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics with the shapes a backup must handle, produced on a real broker, and ways to read them back. */
final class KafkaFixtures {
  static final String PLAIN = "orders.v1_eu";
  static final String COMPACTED = "customers_compacted";
  static final String TRANSACTIONAL = "payments-txn";

  private KafkaFixtures() {
  }

  static Map<String, Object> producerProps(KafkaBroker broker) {
    Map<String, Object> p = broker.clientProperties();
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("linger.ms", 5);
    return p;
  }

  /** Records with null and empty keys and values, repeated and null headers, out-of-order timestamps. */
  static void producePlain(KafkaBroker broker, String topic, int partitions, int count, long seed) {
    Random random = new Random(seed);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      // Recent timestamps: the broker's retention (7 days) would delete older ones during the run.
      long base = System.currentTimeMillis() - 3_600_000L;
      for (int i = 0; i < count; i++) {
        byte[] key = i % 9 == 0 ? null : i % 13 == 0 ? new byte[0] : ("k" + random.nextInt(200)).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 17 == 0 ? null : i % 19 == 0 ? new byte[0] : randomBytes(random, 20 + random.nextInt(300));
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 == 0) {
          headers.add("trace-id", ("t-" + i).getBytes(StandardCharsets.UTF_8));
          headers.add("trace-id", "dup".getBytes(StandardCharsets.UTF_8));
          headers.add("nullable", null);
        }
        long ts = base + i * 10L - (i % 5 == 0 ? 100_000 : 0);
        sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, ts, key, value, headers)));
      }
      awaitAll(sent);
    }
  }

  /**
   * Produces small batches of records until {@code running} turns false, pausing between batches so a
   * slow store under test is not flooded; returns how many were sent.
   */
  static long produceWhile(KafkaBroker broker, String topic, int partitions, AtomicBoolean running) {
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
      while (running.get()) {
        for (int i = 0; i < 20; i++, sent++) {
          producer.send(new ProducerRecord<>(topic, (int) (sent % partitions), ("k" + sent).getBytes(StandardCharsets.UTF_8),
              ("v" + sent).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    return sent;
  }

  /** Deletes a topic. */
  static void deleteTopic(KafkaBroker broker, String topic) {
    try (Admin admin = broker.admin()) {
      admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("deleting topic " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Deletes a topic and creates it again (a new topic id) as soon as the broker lets it. */
  static void recreateTopic(KafkaBroker broker, String topic, int partitions) {
    deleteTopic(broker, topic);
    createAgain(broker, topic, partitions);
  }

  /** Creates a deleted topic again (a new topic id) as soon as the broker lets it. */
  static void createAgain(KafkaBroker broker, String topic, int partitions) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        broker.createTopic(topic, partitions, Map.of());
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof ExecutionException x && x.getCause() instanceof TopicExistsException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the deletion is still under way
      }
    }
  }

  /** The id Kafka gave a topic when it was (last) created. */
  static String topicId(KafkaBroker broker, String topic) {
    try (Admin admin = broker.admin()) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).topicId()
          .toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("describing topic " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Many updates per key, so the cleaner has something to compact. */
  static void produceCompacted(KafkaBroker broker, String topic, int count) {
    Random random = new Random(5);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] key = ("customer-" + (i % 40)).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 50 == 49 ? null : randomBytes(random, 2000);
        sent.add(producer.send(new ProducerRecord<>(topic, 0, key, value)));
      }
      awaitAll(sent);
    }
  }

  /** Committed and aborted transactions interleaved; the aborted records must never be backed up. */
  static void produceTransactional(KafkaBroker broker, String topic, int partitions) {
    Map<String, Object> p = producerProps(broker);
    p.put("transactional.id", "fixture-" + topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      int n = 0;
      for (int txn = 0; txn < 12; txn++) {
        producer.beginTransaction();
        for (int i = 0; i < 25; i++) {
          String value = (txn % 4 == 2 ? "aborted-" : "committed-") + n++;
          producer.send(new ProducerRecord<>(topic, n % partitions, ("k" + n).getBytes(StandardCharsets.UTF_8),
              value.getBytes(StandardCharsets.UTF_8)));
        }
        if (txn % 4 == 2) {
          producer.flush(); // so the aborted records reach the log, not just the producer's buffer
          producer.abortTransaction();
        } else {
          producer.commitTransaction();
        }
      }
    }
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static void awaitAll(List<Future<RecordMetadata>> sent) {
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a READ_COMMITTED consumer reads of a topic, per partition, from the start to the end now. */
  static Map<Integer, List<BackupRecord>> readCommitted(KafkaBroker broker, String topic) {
    Map<String, Object> props = broker.clientProperties();
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("isolation.level", "read_committed");
    props.put("auto.offset.reset", "earliest");
    Map<Integer, List<BackupRecord>> result = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(info -> tps.add(new TopicPartition(topic, info.partition())));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = settledEnds(broker, consumer, tps);
      tps.forEach(tp -> result.put(tp.partition(), new ArrayList<>()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          result.get(r.partition()).add(toBackup(r));
        }
      }
    }
    return result;
  }

  /**
   * The read_committed ends once every finished transaction's markers are in: a producer's commit (or
   * abort) returns before the coordinator has written them, and until then the last stable offset lags
   * the log end, so a reader right after a restore would see too little. A transaction still open after
   * 10 s is taken as open (the ends then stop at it).
   */
  private static Map<TopicPartition, Long> settledEnds(KafkaBroker broker, KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> tps) {
    Map<String, Object> props = broker.clientProperties();
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("isolation.level", "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(props)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        Map<TopicPartition, Long> stable = consumer.endOffsets(tps);
        if (stable.equals(uncommitted.endOffsets(tps)) || System.nanoTime() > deadline) {
          return stable;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }

  static BackupRecord toBackup(ConsumerRecord<byte[], byte[]> r) {
    List<RecordHeader> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(new RecordHeader(h.key(), h.value()));
    }
    TimestampKind kind = r.timestampType() == TimestampType.LOG_APPEND_TIME ? TimestampKind.LOG_APPEND_TIME
        : r.timestampType() == TimestampType.CREATE_TIME ? TimestampKind.CREATE_TIME : TimestampKind.NONE;
    return new BackupRecord(r.offset(), r.timestamp(), kind, r.key(), r.value(), headers);
  }

  /** A record as a restored topic must hold it: everything but the offset. */
  static String content(BackupRecord r) {
    return r.timestamp() + "/" + r.timestampKind() + "/" + hex(r.key()) + "/" + hex(r.value()) + "/"
        + r.headers().stream().map(h -> h.key() + "=" + hex(h.value())).collect(Collectors.toList());
  }

  /** Each partition's records as {@link #content} gives them, in order. */
  static Map<Integer, List<String>> contents(Map<Integer, List<BackupRecord>> records) {
    Map<Integer, List<String>> out = new HashMap<>();
    records.forEach((p, list) -> out.put(p, list.stream().map(KafkaFixtures::content).collect(Collectors.toList())));
    return out;
  }

  private static String hex(byte[] b) {
    return b == null ? "null" : HexFormat.of().formatHex(b);
  }

  /** A key in the PEM form OpenSSL reads and writes. */
  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  /** The committed segments of a partition's current incarnation, in offset order, read through its manifests. */
  static List<SegmentEntry> segments(StorageBackend storage, String backupId, SourcePartition partition) {
    return segments(storage, PartitionLog.read(storage, backupId, partition).current());
  }

  /** The committed segments of an incarnation, in offset order, read through its manifests. */
  static List<SegmentEntry> segments(StorageBackend storage, Incarnation incarnation) {
    try (Stream<SegmentEntry> segments = PartitionHistory.segments(storage, incarnation, SegmentFilter.ALL)) {
      return segments.collect(Collectors.toList());
    }
  }

  /** Every record a backup holds for a partition, read through its committed segments in order. */
  static List<BackupRecord> backedUpPartition(StorageBackend storage, String backupId, String topic, int partition) {
    List<BackupRecord> records = new ArrayList<>();
    for (SegmentEntry entry : segments(storage, backupId, new SourcePartition(topic, partition))) {
      try (SegmentReader reader = SegmentReader.open(entry.key(), storage.openStream(ObjectKey.of(entry.key())),
          entry.sha256())) {
        reader.forEachRemaining(records::add);
      }
    }
    return records;
  }

  static Map<Integer, List<BackupRecord>> backedUp(StorageBackend storage, String backupId, String topic,
      int partitions) {
    Map<Integer, List<BackupRecord>> result = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      result.put(p, backedUpPartition(storage, backupId, topic, p));
    }
    return result;
  }
}
