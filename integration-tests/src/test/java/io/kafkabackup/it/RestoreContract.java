package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.CorruptSegmentException;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.GroupOffsetTranslation;
import io.kafkabackup.backup.kafka.GroupOffsetsRestore;
import io.kafkabackup.backup.kafka.PartitionMapping;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestorePlan;
import io.kafkabackup.backup.kafka.RestoreResult;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Backup then restore into another real cluster; each subclass runs it on one provider's real server.
 */
abstract class RestoreContract extends TwoClusters {
  private int counter;

  private String topic(String base) {
    return base + "-" + (++counter);
  }

  private void backup(String backupId, String... topics) {
    new BackupJob(storage, BackupOptions.builder(backupId, TopicSelection.of(topics)).kafka(source.clientProperties())
        .pollTimeout(Duration.ofMillis(100)).segmentLimits(64 * 1024, 300, Duration.ofMinutes(5)).build()).run();
  }

  private RestoreOptions.Builder restore(String backupId) {
    return RestoreOptions.builder(backupId).kafka(target.clientProperties()).transactionRecords(200);
  }

  @Test
  void restoredRecordsEqualTheSourceFieldByFieldInRenamedTopics() {
    String plain = topic(KafkaFixtures.PLAIN);
    String txn = topic(KafkaFixtures.TRANSACTIONAL);
    source.createTopic(plain, 12, Map.of("retention.ms", "604800000"));
    source.createTopic(txn, 3, Map.of());
    KafkaFixtures.producePlain(source, plain, 12, 2400, 11);
    KafkaFixtures.produceTransactional(source, txn, 3);
    backup("rt", plain, txn);

    RestorePlan plan = new RestoreJob(storage, restore("rt").renameTopic(plain, plain + "-restored")
        .renameTopic(txn, txn + "-restored").build()).plan();
    assertEquals(2400 + 225, plan.records());
    assertTrue(plan.topics().stream().allMatch(RestorePlan.TopicPlan::create));

    RestoreResult result = new RestoreJob(storage, restore("rt").renameTopic(plain, plain + "-restored")
        .renameTopic(txn, txn + "-restored").build()).run();
    assertEquals(2400 + 225, result.records());
    assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(source, plain)),
        KafkaFixtures.contents(KafkaFixtures.readCommitted(target, plain + "-restored")));
    assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(source, txn)),
        KafkaFixtures.contents(KafkaFixtures.readCommitted(target, txn + "-restored")));
    try (Admin admin = target.admin()) {
      String retention = admin.describeConfigs(List.of(new ConfigResource(
          ConfigResource.Type.TOPIC, plain + "-restored"))).all().get().values()
          .iterator().next().get("retention.ms").value();
      assertEquals("604800000", retention, "the backed-up topic config is restored");
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    // Running the same restore again changes nothing: every partition is done.
    RestoreResult again = new RestoreJob(storage, restore("rt").renameTopic(plain, plain + "-restored")
        .renameTopic(txn, txn + "-restored").build()).run();
    assertEquals(0, again.records());
    assertEquals(2400, KafkaFixtures.readCommitted(target, plain + "-restored").values().stream()
        .mapToInt(List::size).sum());
  }

  @Test
  void aPointInTimeRestoreTakesExactlyTheRecordsUpToTEvenOutOfOrder() {
    String topic = topic("clicks");
    source.createTopic(topic, 2, Map.of());
    Random random = new Random(3);
    List<Long> timestamps = new ArrayList<>();
    long base = System.currentTimeMillis() - 3_600_000L; // recent, so retention never deletes them mid-test
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(source))) {
      for (int i = 0; i < 1000; i++) {
        long ts = base + random.nextInt(100_000); // out of order within and across segments
        timestamps.add(ts);
        producer.send(new ProducerRecord<>(topic, i % 2, ts, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
    backup("pit", topic);
    long t = base + 50_000;
    new RestoreJob(storage, restore("pit").renameTopic(topic, topic + "-pit").timeWindow(Long.MIN_VALUE, t).build())
        .run();
    Map<Integer, List<BackupRecord>> sourceRecords = KafkaFixtures.readCommitted(source, topic);
    Map<Integer, List<String>> expected = new HashMap<>();
    sourceRecords.forEach((p, list) -> expected.put(p, list.stream().filter(r -> r.timestamp() <= t)
        .map(KafkaFixtures::content).collect(Collectors.toList())));
    assertEquals(expected, KafkaFixtures.contents(KafkaFixtures.readCommitted(target, topic + "-pit")));
    long selected = timestamps.stream().filter(ts -> ts <= t).count();
    assertTrue(selected > 400 && selected < 600, "a real cut: " + selected);
  }

  @Test
  void repartitioningByKeyHashKeepsEachKeyInOnePartitionInOrder() {
    String topic = topic("events");
    source.createTopic(topic, 12, Map.of());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(source))) {
      for (int i = 0; i < 3000; i++) {
        String key = "key-" + (i % 97);
        producer.send(new ProducerRecord<>(topic, (i % 97) % 12, key.getBytes(StandardCharsets.UTF_8),
            (key + "#" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
    backup("rehash", topic);
    new RestoreJob(storage, restore("rehash").renameTopic(topic, topic + "-4")
        .partitionMapping(PartitionMapping.KEY_HASH, 4).build()).run();
    Map<Integer, List<BackupRecord>> restored = KafkaFixtures.readCommitted(target, topic + "-4");
    assertEquals(4, restored.size());
    Map<String, Integer> partitionOfKey = new HashMap<>();
    Map<String, Integer> lastSequence = new HashMap<>();
    int total = 0;
    for (Map.Entry<Integer, List<BackupRecord>> e : restored.entrySet()) {
      for (BackupRecord r : e.getValue()) {
        String value = new String(r.value(), StandardCharsets.UTF_8);
        String key = value.substring(0, value.indexOf('#'));
        int seq = Integer.parseInt(value.substring(value.indexOf('#') + 1));
        assertEquals(e.getKey(), partitionOfKey.computeIfAbsent(key, k -> e.getKey()), key + " in one partition");
        assertTrue(seq > lastSequence.getOrDefault(key, -1), key + " in order");
        lastSequence.put(key, seq);
        total++;
      }
    }
    assertEquals(3000, total);
    assertEquals(97, partitionOfKey.size());
  }

  @Test
  void anExistingTopicWithTooFewPartitionsIsRefusedBeforeAnythingIsWritten() {
    String topic = topic("narrow");
    source.createTopic(topic, 6, Map.of());
    KafkaFixtures.producePlain(source, topic, 6, 60, 1);
    backup("narrow", topic);
    target.createTopic(topic + "-small", 2, Map.of());
    BackupException e = assertThrows(BackupException.class, () -> new RestoreJob(storage, restore("narrow")
        .renameTopic(topic, topic + "-small").build()).run());
    assertTrue(e.getMessage().contains("has 2 partitions"), e.getMessage());
    assertEquals(0, KafkaFixtures.readCommitted(target, topic + "-small").values().stream().mapToInt(List::size).sum());
  }

  @Test
  void aCorruptSegmentStopsTheRestoreNamingItAndNothingOfItIsProduced() {
    String topic = topic("ledger");
    source.createTopic(topic, 1, Map.of());
    KafkaFixtures.producePlain(source, topic, 1, 1200, 5);
    backup("corrupt", topic);
    List<SegmentEntry> segments = KafkaFixtures.segments(storage, "corrupt", new SourcePartition(topic, 0));
    assertTrue(segments.size() >= 3, "several segments: " + segments.size());
    SegmentEntry victim = segments.get(1);
    byte[] bytes = storage.get(ObjectKey.of(victim.key()));
    bytes[bytes.length / 2] ^= 0x01;
    storage.put(ObjectKey.of(victim.key()), bytes);

    BackupException e = assertThrows(BackupException.class, () -> new RestoreJob(storage, restore("corrupt")
        .renameTopic(topic, topic + "-r").build()).run());
    assertTrue(e instanceof CorruptSegmentException, e.toString());
    assertTrue(e.getMessage().contains(victim.key()), e.getMessage());
    List<BackupRecord> restored = KafkaFixtures.readCommitted(target, topic + "-r").get(0);
    assertEquals(segments.get(0).recordCount(), restored.size(), "only the segment before the corrupt one");
  }

  @Test
  void consumerGroupOffsetsAreTranslatedToTheRestoredRecords() throws Exception {
    String topic = topic("orders");
    source.createTopic(topic, 3, Map.of());
    KafkaFixtures.producePlain(source, topic, 3, 900, 8);
    Map<TopicPartition, OffsetAndMetadata> committed = Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(120),
        new TopicPartition(topic, 1), new OffsetAndMetadata(299), new TopicPartition(topic, 2), new OffsetAndMetadata(300));
    try (Admin admin = source.admin()) {
      admin.alterConsumerGroupOffsets("billing", committed).all().get();
    }
    backup("groups", topic);
    // Restore from offset 100 on, so restored offsets differ from the source's.
    RestoreOptions options = restore("groups").renameTopic(topic, topic + "-g").offsets(100, Long.MAX_VALUE).build();
    new RestoreJob(storage, options).run();
    GroupOffsetsRestore groups = new GroupOffsetsRestore(storage, options);
    List<GroupOffsetTranslation> plan = groups.plan();
    assertEquals(3, plan.size());
    Map<Integer, GroupOffsetTranslation> byPartition = plan.stream()
        .collect(Collectors.toMap(GroupOffsetTranslation::sourcePartition, r -> r));
    assertEquals("ok", byPartition.get(0).status());
    assertEquals("ok", byPartition.get(1).status());
    assertEquals("end", byPartition.get(2).status(), "300 is past the last record of partition 2");
    assertEquals(List.of("billing"), groups.apply(plan));

    Map<Integer, List<BackupRecord>> sourceRecords = KafkaFixtures.readCommitted(source, topic);
    Map<String, Object> props = target.clientProperties();
    props.put("group.id", "billing");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("auto.offset.reset", "none");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(new TopicPartition(topic + "-g", 0), new TopicPartition(topic + "-g", 1),
          new TopicPartition(topic + "-g", 2)));
      Map<Integer, BackupRecord> first = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (first.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> first.putIfAbsent(r.partition(), KafkaFixtures.toBackup(r)));
      }
      assertEquals(KafkaFixtures.content(sourceRecords.get(0).get(120)), KafkaFixtures.content(first.get(0)),
          "partition 0 starts at source 120");
      assertEquals(KafkaFixtures.content(sourceRecords.get(1).get(299)), KafkaFixtures.content(first.get(1)),
          "partition 1 starts at source 299");
      assertTrue(!first.containsKey(2), "partition 2 is at its end");
    }
  }
}
