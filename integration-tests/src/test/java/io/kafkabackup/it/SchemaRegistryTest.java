package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.BackupDescription;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path that keeps Schema Registry ids meaningful: the registry's {@code _schemas} topic is backed up
 * with the data and restored first, so every schema id in the restored records names the same schema in
 * the DR cluster's registry topic; a backup of framed topics without it is flagged by {@code describe}.
 */
class SchemaRegistryTest extends TwoClusters {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path root;

  @Override
  protected Map<String, String> storageConfig() {
    return StorageUnderTest.filesystem(root);
  }

  /** What the registry writes to its topic when a schema is registered (key and value are JSON). */
  private static ProducerRecord<byte[], byte[]> schema(String subject, int version, int id, String schema) {
    String key = "{\"keytype\":\"SCHEMA\",\"subject\":\"" + subject + "\",\"version\":" + version + ",\"magic\":1}";
    String value = "{\"subject\":\"" + subject + "\",\"version\":" + version + ",\"id\":" + id + ",\"schema\":"
        + JSON.valueToTree(schema) + ",\"deleted\":false}";
    return new ProducerRecord<>(BackupDescription.SCHEMAS_TOPIC, 0, key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  /** A value in the registry's wire format: magic byte 0, the schema id, the payload. */
  private static byte[] framed(int id, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  @Test
  void theSchemasTopicRestoredFirstKeepsEveryIdMeaningfulAndAFramedBackupWithoutItIsFlagged() throws Exception {
    source.createTopic(BackupDescription.SCHEMAS_TOPIC, 1, Map.of("cleanup.policy", "compact"));
    source.createTopic("payments", 2, Map.of());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(source))) {
      producer.send(schema("payments-value", 1, 7, "{\"type\":\"string\"}")).get();
      producer.send(schema("payments-value", 2, 9, "{\"type\":\"record\",\"name\":\"P\",\"fields\":[]}")).get();
      for (int i = 0; i < 40; i++) {
        producer.send(new ProducerRecord<>("payments", i % 2, ("k" + i).getBytes(StandardCharsets.UTF_8),
            framed(i % 3 == 0 ? 7 : 9, "payment-" + i))).get();
      }
    }
    BackupCatalog catalog = new BackupCatalog(storage);
    new BackupJob(storage, BackupOptions.builder("framed-only", TopicSelection.of("payments"))
        .kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
    BackupDescription alone = catalog.describe("framed-only");
    assertTrue(alone.topics().get(0).schemaIdFraming());
    assertEquals(1, alone.warnings().size());
    assertTrue(alone.warnings().get(0).contains("payments") && alone.warnings().get(0).contains("_schemas"),
        alone.warnings().toString());

    new BackupJob(storage, BackupOptions.builder("with-schemas", TopicSelection.of(BackupDescription.SCHEMAS_TOPIC,
        "payments")).kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
    BackupDescription both = catalog.describe("with-schemas");
    assertEquals(List.of(), both.warnings());
    assertTrue(both.topics().stream().filter(t -> t.topic().equals(BackupDescription.SCHEMAS_TOPIC))
        .noneMatch(t -> t.schemaIdFraming()), "the registry's own JSON records are not framed");

    // DR: the schemas topic first (before a registry starts on it), then the data
    new RestoreJob(storage, RestoreOptions.builder("with-schemas").kafka(target.clientProperties())
        .restoreId("schemas").topics(TopicSelection.of(BackupDescription.SCHEMAS_TOPIC)).build()).run();
    new RestoreJob(storage, RestoreOptions.builder("with-schemas").kafka(target.clientProperties())
        .restoreId("data").topics(TopicSelection.of("payments")).build()).run();
    List<BackupRecord> schemas = KafkaFixtures.readCommitted(target, BackupDescription.SCHEMAS_TOPIC).get(0);
    assertEquals(KafkaFixtures.readCommitted(source, BackupDescription.SCHEMAS_TOPIC).get(0).stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList()),
        schemas.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList()));
    Set<Integer> registered = schemas.stream().map(r -> {
      try {
        return JSON.readTree(r.value()).get("id").asInt();
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }).collect(Collectors.toSet());
    List<BackupRecord> payments = KafkaFixtures.readCommitted(target, "payments").values().stream()
        .flatMap(List::stream).collect(Collectors.toList());
    assertEquals(40, payments.size());
    Set<Integer> ids = payments.stream().map(r -> ByteBuffer.wrap(r.value(), 1, 4).getInt()).collect(Collectors.toSet());
    assertEquals(Set.of(7, 9), ids);
    assertTrue(registered.containsAll(ids), "every restored schema id names a schema in the restored registry topic");
  }
}
