package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.ExistingDataPolicy;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestorePlan;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into a cluster that already has topics: every incompatible target is named in one message
 * before anything is written, and records already there are refused, kept or purged as the policy says.
 */
class RestorePreflightTest extends TwoClusters {
  @TempDir
  Path root;
  private int counter;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }

  private String backup(String base, Map<String, String> configs, int records) {
    String topic = base + "-" + (++counter);
    source.createTopic(topic, 2, configs);
    produce(source, topic, records, "v");
    new BackupJob(storage, BackupOptions.builder(topic, TopicSelection.of(topic)).kafka(source.clientProperties())
        .pollTimeout(Duration.ofMillis(100)).build()).run();
    return topic;
  }

  /** Keyed records {@code prefix0..}, spread over the partitions by key. */
  private static void produce(KafkaBroker broker, String topic, int count, String prefix) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(broker))) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, i % 2, ("k" + i).getBytes(StandardCharsets.UTF_8),
            (prefix + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private RestoreOptions.Builder restore(String backupId, String topic, String into) {
    return RestoreOptions.builder(backupId).kafka(target.clientProperties()).renameTopic(topic, into);
  }

  private List<String> values(String topic) {
    return KafkaFixtures.readCommitted(target, topic).values().stream().flatMap(List::stream)
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).sorted().collect(Collectors.toList());
  }

  private long endOffsets(String topic) throws Exception {
    try (Admin admin = target.admin()) {
      return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest(), new TopicPartition(topic, 1),
          OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }
  }

  @Test
  void everyIncompatibleTargetIsNamedInOneMessageAndNothingIsWritten() throws Exception {
    String plain = backup("plain", Map.of(), 20);
    String compacted = backup("compacted", Map.of("cleanup.policy", "compact"), 20);
    // one backup of both topics, restored into targets that cannot take them
    new BackupJob(storage, BackupOptions.builder("both", TopicSelection.of(plain, compacted))
        .kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
    target.createTopic(plain + "-r", 2, Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime"));
    target.createTopic(compacted + "-r", 2, Map.of());
    produce(target, compacted + "-r", 3, "live");

    SelectionException e = assertThrows(SelectionException.class, () -> new RestoreJob(storage,
        RestoreOptions.builder("both").kafka(target.clientProperties()).renameTopic(plain, plain + "-r")
            .renameTopic(compacted, compacted + "-r").build()).run());
    String message = e.getMessage();
    assertTrue(message.contains("'" + plain + "-r' has cleanup.policy=compact"), message);
    assertTrue(message.contains("'" + plain + "-r' has message.timestamp.type=LogAppendTime"), message);
    assertTrue(message.contains("'" + compacted + "-r' has cleanup.policy=delete"), message);
    assertTrue(message.contains("'" + compacted + "-r' is not empty (3 offsets"), message);
    assertEquals(4, message.split("\n  - ").length - 1, message);
    assertEquals(0, endOffsets(plain + "-r"));
    assertEquals(3, endOffsets(compacted + "-r"));
    assertEquals(List.of("live0", "live1", "live2"), values(compacted + "-r"));

    // allowed timestamps and a matching policy: the same restore of the plain topic goes through
    target.createTopic(plain + "-ok", 2, Map.of("message.timestamp.type", "LogAppendTime"));
    new RestoreJob(storage, restore("both", plain, plain + "-ok").topics(TopicSelection.of(plain))
        .allowLogAppendTime(true).build()).run();
    assertEquals(20, values(plain + "-ok").size());
  }

  @Test
  void appendKeepsTheRecordsThereAndPurgeDeletesThemFirst() throws Exception {
    String topic = backup("orders", Map.of(), 10);
    String appended = topic + "-append";
    String purged = topic + "-purge";
    for (String t : List.of(appended, purged)) {
      target.createTopic(t, 2, Map.of());
      produce(target, t, 4, "old");
    }
    RestorePlan plan = new RestoreJob(storage, restore(topic, topic, purged).restoreId("purge")
        .onExistingData(ExistingDataPolicy.PURGE).build()).plan();
    assertEquals(4, plan.topics().get(0).existingOffsets());
    assertTrue(plan.topics().get(0).purge());
    assertEquals(8, endOffsets(purged) + endOffsets(appended), "a plan writes and deletes nothing");

    new RestoreJob(storage, restore(topic, topic, appended).restoreId("append")
        .onExistingData(ExistingDataPolicy.APPEND).build()).run();
    assertEquals(14, values(appended).size());
    assertTrue(values(appended).containsAll(List.of("old0", "old3", "v0", "v9")));

    new RestoreJob(storage, restore(topic, topic, purged).restoreId("purge")
        .onExistingData(ExistingDataPolicy.PURGE).build()).run();
    List<String> left = values(purged);
    assertEquals(10, left.size(), left.toString());
    assertFalse(left.stream().anyMatch(v -> v.startsWith("old")), left.toString());
  }

  @Test
  void onlyRecordsAReadCommittedReaderSeesMakeATargetNotEmpty() {
    String topic = backup("aborted", Map.of(), 6);
    String into = topic + "-r";
    target.createTopic(into, 2, Map.of());
    // what a first restore run killed before its first commit leaves: records of an aborted transaction
    Map<String, Object> props = KafkaFixtures.producerProps(target);
    props.put("transactional.id", "killed-" + topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(into, 0, "k".getBytes(StandardCharsets.UTF_8),
          "aborted".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
      producer.abortTransaction();
    }
    new RestoreJob(storage, restore(topic, topic, into).build()).run();
    assertEquals(6, values(into).size());
  }

  @Test
  void aRestoreIdThatAlreadyRestoredContinuesWhileANewOneIsRefused() {
    String topic = backup("events", Map.of(), 12);
    String into = topic + "-r";
    new RestoreJob(storage, restore(topic, topic, into).restoreId("first").build()).run();
    // the same restore id again: its own records are in the target, so the check lets it continue
    new RestoreJob(storage, restore(topic, topic, into).restoreId("first").build()).run();
    assertEquals(12, values(into).size());
    SelectionException e = assertThrows(SelectionException.class,
        () -> new RestoreJob(storage, restore(topic, topic, into).restoreId("second").build()).run());
    assertTrue(e.getMessage().contains("'" + into + "' is not empty") && e.getMessage().contains("--on-existing-data"),
        e.getMessage());
    assertEquals(Set.copyOf(values(into)).size(), 12);
  }
}
