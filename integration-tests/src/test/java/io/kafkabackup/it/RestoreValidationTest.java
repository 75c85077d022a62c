package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.PartitionMapping;
import io.kafkabackup.backup.kafka.ReportSignature;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.RestoreValidation;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.kafka.ValidationReport;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate-restore}: correct restores of every fixture kind pass, and each planted difference —
 * a flipped byte, a missing, a duplicated and a reordered record — is named by partition and offset.
 */
class RestoreValidationTest extends TwoClusters {
  @TempDir
  Path root;
  private int counter;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }

  private String name(String base) {
    return base + "-" + (++counter);
  }

  private void backup(String backupId, String... topics) {
    new BackupJob(storage, BackupOptions.builder(backupId, TopicSelection.of(topics)).kafka(source.clientProperties())
        .pollTimeout(Duration.ofMillis(100)).segmentLimits(64 * 1024, 300, Duration.ofMinutes(5)).build()).run();
  }

  private RestoreOptions.Builder options(String backupId) {
    return RestoreOptions.builder(backupId).kafka(target.clientProperties());
  }

  private ValidationReport validate(RestoreOptions options) {
    return new RestoreValidation(storage, options).run();
  }

  @Test
  void correctRestoresOfEveryFixtureKindAreIdentical() {
    String plain = name("plain");
    String compacted = name("compacted");
    String txn = name("txn");
    source.createTopic(plain, 3, Map.of());
    source.createTopic(compacted, 1, Map.of("cleanup.policy", "compact"));
    source.createTopic(txn, 2, Map.of());
    KafkaFixtures.producePlain(source, plain, 3, 900, 3);
    KafkaFixtures.produceCompacted(source, compacted, 400);
    KafkaFixtures.produceTransactional(source, txn, 2);
    backup("kinds", plain, compacted, txn);

    RestoreOptions kept = options("kinds").renameTopic(plain, plain + "-r").renameTopic(compacted, compacted + "-r")
        .renameTopic(txn, txn + "-r").build();
    new RestoreJob(storage, kept).run();
    ValidationReport report = validate(kept);
    assertTrue(report.ok(), report.differences().toString());
    assertEquals(6, report.partitions().size());
    assertEquals(900 + 400 + 225, report.partitions().stream().mapToLong(ValidationReport.PartitionResult::restoredRecords)
        .sum());
    report.partitions().forEach(p -> assertEquals(p.expectedDigest(), p.restoredDigest(), p.toString()));

    RestoreOptions hashed = options("kinds").restoreId("hashed").topics(TopicSelection.of(plain))
        .renameTopic(plain, plain + "-h").partitionMapping(PartitionMapping.KEY_HASH, 5).build();
    new RestoreJob(storage, hashed).run();
    ValidationReport byKey = validate(hashed);
    assertTrue(byKey.ok(), byKey.differences().toString());
    assertEquals(5, byKey.partitions().size());
    assertEquals(900, byKey.partitions().stream().mapToLong(ValidationReport.PartitionResult::restoredRecords).sum());

    long cut = KafkaFixtures.readCommitted(source, plain).get(1).get(150).timestamp();
    RestoreOptions pointInTime = options("kinds").restoreId("pit").topics(TopicSelection.of(plain))
        .renameTopic(plain, plain + "-t").timeWindow(Long.MIN_VALUE, cut).build();
    new RestoreJob(storage, pointInTime).run();
    ValidationReport inTime = validate(pointInTime);
    assertTrue(inTime.ok(), inTime.differences().toString());
    assertTrue(inTime.partitions().stream().mapToLong(ValidationReport.PartitionResult::restoredRecords).sum() < 900);
  }

  @Test
  void eachPlantedDifferenceIsNamedByPartitionAndOffset() throws Exception {
    String topic = name("orders");
    source.createTopic(topic, 2, Map.of());
    KafkaFixtures.producePlain(source, topic, 2, 200, 9);
    backup("planted", topic);
    // A "restore" made by hand: partition 0 as backed up but for a flipped byte at index 10, index 20 left
    // out, index 30 twice and indexes 40 and 41 swapped; partition 1 exact.
    Map<Integer, List<BackupRecord>> backedUp = KafkaFixtures.backedUp(storage, "planted", topic, 2);
    List<BackupRecord> p0 = new ArrayList<>(backedUp.get(0));
    List<BackupRecord> planted = new ArrayList<>();
    for (int i = 0; i < p0.size(); i++) {
      BackupRecord r = p0.get(i);
      if (i == 10) {
        byte[] value = r.value() == null || r.value().length == 0 ? new byte[] {1} : r.value().clone();
        value[0] ^= 0x01;
        planted.add(new BackupRecord(r.offset(), r.timestamp(), r.timestampKind(), r.key(), value, r.headers()));
      } else if (i == 20) {
        continue;
      } else if (i == 30) {
        planted.add(r);
        planted.add(r);
      } else if (i == 40) {
        planted.add(p0.get(41));
        planted.add(r);
        i++;
      } else {
        planted.add(r);
      }
    }
    String into = topic + "-planted";
    target.createTopic(into, 2, Map.of());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(target))) {
      for (BackupRecord r : planted) {
        producer.send(new ProducerRecord<>(into, 0, r.timestamp(), r.key(), r.value(), headers(r))).get();
      }
      for (BackupRecord r : backedUp.get(1)) {
        producer.send(new ProducerRecord<>(into, 1, r.timestamp(), r.key(), r.value(), headers(r))).get();
      }
    }
    ValidationReport report = validate(options("planted").renameTopic(topic, into).build());
    assertFalse(report.ok(), report.toString());
    Map<String, ValidationReport.Difference> byKind = report.differences().stream()
        .collect(Collectors.toMap(ValidationReport.Difference::kind, d -> d));
    assertEquals(Map.of("differs", List.of(p0.get(10).offset(), 10L), "missing", List.of(p0.get(20).offset(), -1L),
        "duplicate", List.of(p0.get(30).offset(), 30L), "reordered", List.of(p0.get(40).offset(), 40L)),
        byKind.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> List.of(e.getValue().sourceOffset(), e.getValue().targetOffset()))), report.differences().toString());
    assertTrue(byKind.get("differs").detail().contains("value"), byKind.get("differs").detail());
    assertTrue(report.differences().stream().allMatch(d -> d.targetPartition() == 0 && d.targetTopic().equals(into)));
    assertEquals(4, report.differenceCount());
    ValidationReport.PartitionResult second = report.partitions().get(1);
    assertEquals(second.expectedDigest(), second.restoredDigest());

    // the evidence, signed; a changed byte in the report breaks the signature
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String privatePem = KafkaFixtures.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    String publicPem = KafkaFixtures.pem("PUBLIC KEY", keys.getPublic().getEncoded());
    byte[] json = BackupJson.write(report);
    byte[] signature = ReportSignature.sign(json, privatePem);
    assertTrue(ReportSignature.verify(json, signature, publicPem));
    byte[] tampered = json.clone();
    tampered[tampered.length / 2] ^= 0x01;
    assertFalse(ReportSignature.verify(tampered, signature, publicPem));
  }

  private static RecordHeaders headers(BackupRecord r) {
    RecordHeaders headers = new RecordHeaders();
    r.headers().forEach(h -> headers.add(h.key(), h.value()));
    return headers;
  }
}
