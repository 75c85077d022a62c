package io.kafkabackup.storage.examples;

import io.kafkabackup.cli.KafkaBackupCli;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole product in one run, on an embedded default: starts a single-node Kafka (KRaft, loopback),
 * writes sample topics (headers and null keys, a transaction that is aborted, a consumer group), backs
 * them up with the {@code kafka-backup} CLI into a local directory, lists, describes and verifies the
 * backup, restores it into renamed topics exactly once, moves the consumer group's offsets over,
 * compares every record, prints where the files are, and stops everything.
 *
 * <p>With a YAML file as the first argument, its {@code storage:} section replaces the local directory,
 * so the same walk-through runs against Azure Blob Storage (or Azurite) or S3.
 */
public final class KafkaBackupDemo {
  private static final List<String> TOPICS = List.of("orders", "payments");

  private KafkaBackupDemo() {
  }

  /**
   * Runs the walk-through.
   *
   * @param args optionally a YAML file with a {@code storage:} section
   * @throws Exception if any step fails
   */
  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("kafka-backup-demo-");
    String storage = args.length > 0 ? storageSection(Path.of(args[0]))
        : "storage:\n  backend: filesystem\n  filesystem:\n    root: " + work.resolve("backups") + "\n";
    System.out.println("== starting an embedded Kafka broker (KRaft, 127.0.0.1)");
    try (KafkaBroker broker = KafkaBroker.start()) {
      writeSampleTopics(broker);
      Path config = work.resolve("kafka-backup.yaml");
      Files.writeString(config, storage
          + "kafka:\n  bootstrap.servers: " + broker.bootstrapServers() + "\n"
          + "backup:\n  id: demo-backup\n  topics: [orders, payments]\n  segment-max-records: 500\n"
          + "restore:\n  backup-id: demo-backup\n  rename:\n    orders: orders-restored\n    payments: payments-restored\n",
          StandardCharsets.UTF_8);
      System.out.println("== configuration: " + config);
      cli("backup", "-c", config.toString());
      cli("list", "-c", config.toString());
      cli("describe", "-c", config.toString(), "demo-backup");
      cli("verify", "-c", config.toString(), "demo-backup");
      cli("restore", "-c", config.toString(), "--dry-run");
      cli("restore", "-c", config.toString(), "--apply-group-offsets");
      cli("groups", "plan", "-c", config.toString());
      long compared = 0;
      for (String topic : TOPICS) {
        Map<Integer, List<String>> source = read(broker, topic);
        Map<Integer, List<String>> restored = read(broker, topic + "-restored");
        if (!source.equals(restored)) {
          throw new IllegalStateException(topic + "-restored differs from " + topic);
        }
        compared += source.values().stream().mapToInt(List::size).sum();
      }
      System.out.println("== compared " + compared + " records: every restored record equals its source "
          + "(key, value, headers, timestamp, partition)");
      System.out.println("== the backup is in " + (args.length > 0 ? "the storage of " + args[0]
          : work.resolve("backups")) + "; configuration in " + config);
    }
    System.out.println("== demo finished");
  }

  private static void cli(String... args) {
    System.out.println();
    System.out.println("$ kafka-backup " + String.join(" ", args));
    int code = KafkaBackupCli.run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      throw new IllegalStateException("kafka-backup " + args[0] + " exited with " + code);
    }
  }

  private static String storageSection(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    boolean inStorage = false;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.startsWith(" ") && !line.startsWith("#") && !line.isBlank()) {
        inStorage = line.startsWith("storage:");
      }
      if (inStorage) {
        out.append(line).append('\n');
      }
    }
    if (out.length() == 0) {
      throw new IllegalArgumentException(file + " has no storage: section");
    }
    return out.toString();
  }

  private static void writeSampleTopics(KafkaBroker broker) {
    broker.createTopic("orders", 3, Map.of());
    broker.createTopic("payments", 2, Map.of());
    Map<String, Object> props = broker.clientProperties();
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < 3000; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("source", "demo".getBytes(StandardCharsets.UTF_8));
        byte[] key = i % 10 == 0 ? null : ("customer-" + (i % 100)).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 50 == 0 ? null : ("{\"order\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>("orders", i % 3, System.currentTimeMillis() - 1000 * i, key, value, headers));
      }
    }
    props.put("transactional.id", "demo-payments");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      for (int txn = 0; txn < 5; txn++) {
        producer.beginTransaction();
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("payments", i % 2, ("p" + i).getBytes(StandardCharsets.UTF_8),
              ((txn == 2 ? "aborted " : "paid ") + txn + "/" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        if (txn == 2) {
          producer.abortTransaction();
        } else {
          producer.commitTransaction();
        }
      }
    }
    // A consumer group halfway through orders, so the restore has offsets to translate.
    Map<String, Object> c = consumerProps(broker);
    c.put("group.id", "billing");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
          new TopicPartition("orders", 2));
      consumer.assign(tps);
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      tps.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(500)));
      consumer.commitSync(offsets);
    }
    System.out.println("== wrote topics orders (3 partitions, 3,000 records) and payments (transactional, one "
        + "aborted transaction); consumer group billing at offset 500 of orders");
  }

  private static Map<String, Object> consumerProps(KafkaBroker broker) {
    Map<String, Object> props = broker.clientProperties();
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("isolation.level", "read_committed");
    props.put("auto.offset.reset", "earliest");
    return props;
  }

  /** Every record of a topic as text without its offset, per partition. */
  private static Map<Integer, List<String>> read(KafkaBroker broker, String topic) {
    Map<Integer, List<String>> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(broker))) {
      List<TopicPartition> tps = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      tps.forEach(tp -> out.put(tp.partition(), new ArrayList<>()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder headers = new StringBuilder();
          for (Header h : r.headers()) {
            headers.append(h.key()).append('=').append(Arrays.toString(h.value())).append(';');
          }
          out.get(r.partition()).add(r.timestamp() + "|" + Arrays.toString(r.key()) + "|" + Arrays.toString(r.value())
              + "|" + headers);
        }
      }
    }
    return out;
  }
}
