package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.catalog.BackupCatalog;
import io.kafkabackup.backup.catalog.VerifyReport;
import io.kafkabackup.backup.crypto.SegmentKeys;
import io.kafkabackup.backup.crypto.WrappedDataKey;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.format.CorruptSegmentException;
import io.kafkabackup.backup.format.SegmentKeyException;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupMode;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.BackupResult;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.testkit.KeyVaultStandIn;
import io.kafkabackup.storage.testkit.KmsStandIn;
import io.kafkabackup.storage.testkit.LoopbackTls;
import io.kafkabackup.storage.testkit.OidcStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-side envelope encryption end to end on one provider's real server: a backup encrypted under
 * one key-encryption key, continued under a rotated one, restored whole and equal to its source; a copy
 * of the store read object by object holds none of the records' bytes; and every way a segment's key can
 * fail (missing, wrong, not configured) and a tampered segment each stop the restore with a typed error
 * naming the segment and the KEK id before anything of that segment is produced.
 */
abstract class EncryptionContract extends TwoClusters {
  private static final int PARTITIONS = 3;
  /** In every value and header: found in a plain copy of the store, never in an encrypted one. */
  private static final String MARKER = "card-4111-1111-1111-1111";

  @TempDir
  Path keyDir;
  @TempDir
  Path configDir;
  private final Map<String, String> keyValues = new HashMap<>();
  private int counter;

  /** Writes a fresh 256-bit key under {@code id} into the key directory, as a mounted secret holds it. */
  private void addKey(String id) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String encoded = Base64.getEncoder().encodeToString(key);
    Files.writeString(keyDir.resolve(id), encoded + "\n");
    keyValues.put(id, encoded);
  }

  private KeyWrapper local(String currentKeyId) {
    return KeyWrappers.open(Map.of("storage.encryption.kek", "local",
        "storage.encryption.local.key-id", currentKeyId,
        "storage.encryption.local.key-dir", keyDir.toString()), Map.of(), getClass().getClassLoader()).orElseThrow();
  }

  private BackupOptions.Builder backup(String backupId, String topic, KeyWrapper kek) {
    return BackupOptions.builder(backupId, TopicSelection.of(topic)).kafka(source.clientProperties())
        .compression(Codec.NONE, 0) // uncompressed: only the encryption can hide the records' bytes
        .pollTimeout(Duration.ofMillis(100)).segmentLimits(64 * 1024, 150, Duration.ofMillis(500)).encryption(kek);
  }

  private RestoreOptions.Builder restore(String backupId, String topic, String target, KeyWrapper kek) {
    return RestoreOptions.builder(backupId).kafka(this.target.clientProperties()).restoreId(target)
        .renameTopic(topic, target).encryption(kek);
  }

  /** Records whose keys, values and headers all carry the marker, in {@code from .. from+count}. */
  private void produce(String topic, int partitions, int from, int count) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaFixtures.producerProps(source))) {
      for (int i = from; i < from + count; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", (MARKER + "-trace-" + i).getBytes(StandardCharsets.UTF_8));
        byte[] value = i % 11 == 0 ? null : (MARKER + " payment " + i + " of account holder " + (i * 7919 % 1000))
            .getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, i % partitions, System.currentTimeMillis(),
            ("account-" + MARKER + "-" + i).getBytes(StandardCharsets.UTF_8), value, headers));
      }
      producer.flush();
    }
  }

  @Test
  void anEncryptedBackupRotatedMidRunRestoresWholeAndItsStoreHoldsNoPlaintext() throws Exception {
    String topic = "encrypted-" + (++counter);
    String id = "enc-rotated-" + counter;
    source.createTopic(topic, PARTITIONS, Map.of());
    addKey("k1-" + counter);
    addKey("k2-" + counter);
    produce(topic, PARTITIONS, 0, 600);
    try (KeyWrapper first = local("k1-" + counter)) {
      assertEquals(BackupState.COMPLETE, new BackupJob(storage, backup(id, topic, first).build()).run().state());
    }
    // Rotation: the backup goes on, continuously, under the second key; the first stays for reading.
    produce(topic, PARTITIONS, 600, 300);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (KeyWrapper second = local("k2-" + counter)) {
      BackupJob job = new BackupJob(storage, backup(id, topic, second).mode(BackupMode.CONTINUOUS).build());
      Future<BackupResult> running = pool.submit(job::run);
      await("the second batch is committed", () -> committed(id, topic, 900));
      produce(topic, PARTITIONS, 900, 300);
      await("the third batch is committed", () -> committed(id, topic, 1200));
      job.stop();
      assertEquals(BackupState.STOPPED, running.get(60, TimeUnit.SECONDS).state());
    } finally {
      pool.shutdownNow();
    }
    Map<Integer, List<BackupRecord>> expected = KafkaFixtures.readCommitted(source, topic);

    // Both keys wrap data keys of this backup, and every segment has its key object.
    Map<String, Integer> byKek = new HashMap<>();
    for (SegmentEntry s : allSegments(id, topic)) {
      WrappedDataKey wrapped = BackupJson.read(storage.get(BackupLayout.dataKey(ObjectKey.of(s.key()))),
          WrappedDataKey.class, s.key());
      assertEquals("local", wrapped.kekProvider());
      byKek.merge(wrapped.kekId(), 1, Integer::sum);
    }
    assertEquals(new TreeSet<>(List.of("k1-" + counter, "k2-" + counter)), new TreeSet<>(byKek.keySet()), byKek.toString());

    // A stolen copy of the store, read with the raw SDK (or the file system): no object holds the marker.
    List<String> names;
    try (Stream<ListEntry> entries = storage.list(BackupLayout.backupPrefix(id))) {
      names = entries.filter(e -> e instanceof ListEntry.StoredObject).map(ListEntry::name).collect(Collectors.toList());
    }
    assertTrue(names.stream().anyMatch(n -> n.endsWith(".kbseg")) && names.stream().anyMatch(n -> n.endsWith(".kbkey")));
    Map<String, byte[]> stolen = StorageUnderTest.rawObjects(storageSettings);
    assertTrue(stolen.keySet().containsAll(names), "the raw copy holds every object of the backup");
    byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, byte[]> object : stolen.entrySet()) {
      String name = object.getKey();
      byte[] stored = object.getValue();
      if (name.startsWith("plain-")) {
        continue;
      }
      assertFalse(contains(stored, marker), name + " holds a record's bytes in the clear");
      for (String key : keyValues.values()) {
        assertFalse(contains(stored, key.getBytes(StandardCharsets.US_ASCII)), name + " holds a key-encryption key");
      }
    }

    Instant rekeyStarted = Instant.now();
    // Restored whole with the current key and the old one beside it.
    String restored = topic + "-restored";
    try (KeyWrapper current = local("k2-" + counter)) {
      new RestoreJob(storage, restore(id, topic, restored, current).build()).run();
      VerifyReport withKeys = new BackupCatalog(storage, new SegmentKeys(storage, current)).verify(id);
      assertTrue(withKeys.ok(), withKeys.problems().toString());
      assertEquals(0, withKeys.segmentsNotDecrypted());
    }
    assertEquals(KafkaFixtures.contents(expected), KafkaFixtures.contents(KafkaFixtures.readCommitted(target, restored)));
    VerifyReport withoutKeys = new BackupCatalog(storage).verify(id);
    assertTrue(withoutKeys.ok(), withoutKeys.problems().toString());
    assertEquals(withoutKeys.segmentsChecked(), withoutKeys.segmentsNotDecrypted());

    // rekey through the CLI: every data key re-wrapped under the second key; then the first key is retired.
    PrintStream stderr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    CliRun rekey;
    CliRun again;
    CliRun verify;
    try {
      rekey = CliRun.run(Map.of(), "rekey", id, "-c", cliConfig("k2-" + counter).toString(), "-vv");
      again = CliRun.run(Map.of(), "rekey", id, "-c", cliConfig("k2-" + counter).toString());
      Files.delete(keyDir.resolve("k1-" + counter));
      verify = CliRun.run(Map.of(), "verify", id, "-c", cliConfig("k2-" + counter).toString(), "-vv");
    } finally {
      System.setErr(stderr);
    }
    assertEquals(0, rekey.code(), rekey.err());
    assertTrue(rekey.out().contains(byKek.get("k1-" + counter) + " data key(s) re-wrapped under local key 'k2-"
        + counter + "'") && rekey.out().contains("no longer used by this backup: k1-" + counter), rekey.out());
    assertTrue(again.out().contains(" 0 data key(s) re-wrapped") && again.out().contains(names.stream()
        .filter(n -> n.endsWith(".kbkey")).count() + " already were"), again.out());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("all intact") && !verify.out().contains("without key access"), verify.out());
    CliRun keyless = CliRun.run(Map.of(), "verify", id, "-c", cliConfig(null).toString());
    assertEquals(0, keyless.code(), keyless.out() + keyless.err());
    assertTrue(keyless.out().contains(withoutKeys.segmentsChecked() + " encrypted segment(s) checked without key access"),
        keyless.out());
    String everything = logs.toString(StandardCharsets.UTF_8) + rekey.out() + rekey.err() + verify.out() + verify.err();
    for (String key : keyValues.values()) {
      assertFalse(everything.contains(key), "a key-encryption key reached the output or the logs");
    }
    try (KeyWrapper second = local("k2-" + counter)) {
      new RestoreJob(storage, restore(id, topic, restored + "-rekeyed", second).build()).run();
    }
    assertEquals(KafkaFixtures.contents(expected),
        KafkaFixtures.contents(KafkaFixtures.readCommitted(target, restored + "-rekeyed")));
    for (String name : names) {
      if (name.endsWith(".kbseg")) {
        assertTrue(storage.stat(ObjectKey.of(name)).lastModified().isBefore(rekeyStarted), name + " was rewritten");
      }
    }

    // The control: the same records backed up plain show the marker, so the search above can find it.
    String plainId = "plain-" + counter;
    new BackupJob(storage, backup(plainId, topic, null).build()).run();
    SegmentEntry plainSegment = allSegments(plainId, topic).get(0);
    assertTrue(contains(storage.get(ObjectKey.of(plainSegment.key())), marker));
  }

  @Test
  void aBackupWrappedByAwsKmsRestoresAndAKmsOutageStopsTheRestoreNamingTheKey() throws Exception {
    String topic = "encrypted-" + (++counter);
    String id = "enc-kms-" + counter;
    source.createTopic(topic, PARTITIONS, Map.of());
    produce(topic, PARTITIONS, 0, 300);
    try (KmsStandIn kms = new KmsStandIn("eu-central-1", "AKIDENCRYPTIONIT")) {
      String arn = kms.createKey();
      kms.alias("alias/backups", arn);
      Map<String, String> config = Map.of("storage.encryption.kek", "aws-kms",
          "storage.encryption.aws-kms.key-id", "alias/backups",
          "storage.encryption.aws-kms.region", "eu-central-1",
          "storage.encryption.aws-kms.endpoint", kms.endpoint().toString(),
          "storage.encryption.aws-kms.access-key-id", "AKIDENCRYPTIONIT",
          "storage.encryption.aws-kms.secret-access-key", "kms-it-secret",
          "storage.encryption.aws-kms.request-timeout", "2s",
          "storage.encryption.aws-kms.max-retries", "1");
      try (KeyWrapper kek = KeyWrappers.open(config, Map.of(), getClass().getClassLoader()).orElseThrow()) {
        new BackupJob(storage, backup(id, topic, kek).build()).run();
        for (SegmentEntry s : allSegments(id, topic)) {
          WrappedDataKey wrapped = BackupJson.read(storage.get(BackupLayout.dataKey(ObjectKey.of(s.key()))),
              WrappedDataKey.class, s.key());
          assertEquals("aws-kms", wrapped.kekProvider());
          assertEquals(arn, wrapped.kekId(), "the key's ARN is recorded, not the alias");
        }
        new RestoreJob(storage, restore(id, topic, topic + "-kms", kek).build()).run();
        assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(source, topic)),
            KafkaFixtures.contents(KafkaFixtures.readCommitted(target, topic + "-kms")));
        kms.close();
        SegmentKeyException down = assertThrows(SegmentKeyException.class,
            () -> new RestoreJob(storage, restore(id, topic, topic + "-kms-down", kek).build()).run());
        assertTrue(down.getMessage().contains(arn) && down.getMessage().contains("unreachable")
            && down.getMessage().contains(".kbseg"), down.getMessage());
        assertFalse(down.getMessage().contains("kms-it-secret"));
        assertNothingRestored(topic + "-kms-down");
      }
    }
  }

  @Test
  void aContinuousBackupWrappedByKeyVaultRestoresAcrossARotationOfTheVaultKeyWhileItRuns() throws Exception {
    String topic = "encrypted-" + (++counter);
    String id = "enc-vault-" + counter;
    String tenant = "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d";
    String clientId = "7d6c5b4a-3928-4716-a5b4-c3d2e1f00f1e";
    source.createTopic(topic, PARTITIONS, Map.of());
    produce(topic, PARTITIONS, 0, 300);
    LoopbackTls tls = LoopbackTls.trusted();
    try (OidcStandIn identity = new OidcStandIn(tls.serverContext(), tenant, clientId);
        KeyVaultStandIn vault = new KeyVaultStandIn(tls.serverContext(), tenant, token -> identity.tokenRequests()
            .stream().anyMatch(r -> token.equals(r.issuedToken())))) {
      identity.expectSecret("vault-it-secret");
      String key = vault.createKey("backups");
      Map<String, String> config = Map.of("storage.encryption.kek", "azure-key-vault",
          "storage.encryption.azure-key-vault.key-id", key,
          "storage.encryption.azure-key-vault.tenant-id", tenant,
          "storage.encryption.azure-key-vault.client-id", clientId,
          "storage.encryption.azure-key-vault.client-secret", "vault-it-secret",
          "storage.encryption.azure-key-vault.authority-host", identity.authorityHost(),
          "storage.encryption.azure-key-vault.disable-challenge-resource-verification", "true");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (KeyWrapper kek = KeyWrappers.open(config, Map.of(), getClass().getClassLoader()).orElseThrow()) {
        BackupJob job = new BackupJob(storage, backup(id, topic, kek).mode(BackupMode.CONTINUOUS).build());
        Future<BackupResult> running = pool.submit(job::run);
        await("the first batch is committed", () -> committed(id, topic, 300));
        // Rotated in the vault while the backup runs: its next segments are wrapped by the new version.
        String rotated = vault.rotate("backups");
        produce(topic, PARTITIONS, 300, 300);
        await("the second batch is committed", () -> committed(id, topic, 600));
        job.stop();
        assertEquals(BackupState.STOPPED, running.get(60, TimeUnit.SECONDS).state());
        Map<String, Integer> byVersion = new HashMap<>();
        for (SegmentEntry s : allSegments(id, topic)) {
          WrappedDataKey wrapped = BackupJson.read(storage.get(BackupLayout.dataKey(ObjectKey.of(s.key()))),
              WrappedDataKey.class, s.key());
          assertEquals("azure-key-vault", wrapped.kekProvider());
          assertTrue(wrapped.kekId().startsWith(key + "/"), wrapped.kekId());
          byVersion.merge(wrapped.kekId(), 1, Integer::sum);
        }
        assertEquals(2, byVersion.size(), byVersion.toString());
        assertTrue(byVersion.containsKey(rotated), byVersion.toString());
        new RestoreJob(storage, restore(id, topic, topic + "-vault", kek).build()).run();
      } finally {
        pool.shutdownNow();
      }
      assertTrue(vault.calls().stream().anyMatch(c -> c.operation().equals("unwrapkey") && c.status() == 200));
    }
    assertEquals(KafkaFixtures.contents(KafkaFixtures.readCommitted(source, topic)),
        KafkaFixtures.contents(KafkaFixtures.readCommitted(target, topic + "-vault")));
  }

  @Test
  void aMissingWrongOrAbsentKeyAndATamperedSegmentStopTheRestoreNamingSegmentAndKey() throws Exception {
    String topic = "encrypted-" + (++counter);
    String id = "enc-failing-" + counter;
    String kek = "k-" + counter;
    source.createTopic(topic, PARTITIONS, Map.of());
    addKey(kek);
    produce(topic, PARTITIONS, 0, 300);
    try (KeyWrapper key = local(kek)) {
      new BackupJob(storage, backup(id, topic, key).build()).run();
    }
    SegmentEntry first = allSegments(id, topic).get(0);

    // No key-encryption key configured at all.
    SegmentKeyException absent = assertThrows(SegmentKeyException.class,
        () -> new RestoreJob(storage, restore(id, topic, topic + "-absent", null).concurrency(1).build()).run());
    assertTrue(absent.getMessage().contains(".kbseg") && absent.getMessage().contains("no key-encryption key"),
        absent.getMessage());
    assertNothingRestored(topic + "-absent");

    // Another key under another id: the recorded KEK id is not configured.
    addKey("other-" + counter);
    try (KeyWrapper other = local("other-" + counter)) {
      Files.delete(keyDir.resolve(kek));
      SegmentKeyException missing;
      try (KeyWrapper withoutOld = local("other-" + counter)) {
        missing = assertThrows(SegmentKeyException.class,
            () -> new RestoreJob(storage, restore(id, topic, topic + "-missing", withoutOld).build()).run());
      }
      assertTrue(missing.getMessage().contains(".kbseg") && missing.getMessage().contains("'" + kek + "'"),
          missing.getMessage());
      assertNothingRestored(topic + "-missing");
      assertFalse(other.toString().contains(keyValues.get("other-" + counter)));
    }

    // The wrong key under the recorded id (the secret was replaced).
    addKey(kek);
    try (KeyWrapper wrong = local(kek)) {
      SegmentKeyException refused = assertThrows(SegmentKeyException.class,
          () -> new RestoreJob(storage, restore(id, topic, topic + "-wrong", wrong).build()).run());
      assertTrue(refused.getMessage().contains("does not unwrap") && refused.getMessage().contains(kek)
          && refused.getMessage().contains(".kbseg"), refused.getMessage());
      assertFalse(refused.getMessage().contains(keyValues.get(kek)));
      assertNothingRestored(topic + "-wrong");
    }
  }

  @Test
  void aTamperedSegmentFailsItsPartitionBeforeAnyOfItsRecordsIsProduced() throws Exception {
    String topic = "encrypted-" + (++counter);
    String id = "enc-tampered-" + counter;
    String kek = "t-" + counter;
    source.createTopic(topic, 1, Map.of());
    addKey(kek);
    produce(topic, 1, 0, 200);
    try (KeyWrapper key = local(kek)) {
      new BackupJob(storage, backup(id, topic, key).build()).run();
      SegmentEntry segment = allSegments(id, topic).get(0);
      byte[] bytes = storage.get(ObjectKey.of(segment.key()));
      bytes[bytes.length / 2] ^= 0x01;
      storage.put(ObjectKey.of(segment.key()), bytes, PutOptions.overwrite());
      CorruptSegmentException e = assertThrows(CorruptSegmentException.class,
          () -> new RestoreJob(storage, restore(id, topic, topic + "-tampered", key).build()).run());
      assertTrue(e.getMessage().contains(segment.key()), e.getMessage());
      VerifyReport report = new BackupCatalog(storage, new SegmentKeys(storage, key)).verify(id);
      assertEquals(List.of(segment.key()), report.problems().stream().map(VerifyReport.Problem::object)
          .collect(Collectors.toList()));
    }
    assertNothingRestored(topic + "-tampered");
  }

  /** A CLI configuration file (JSON is YAML) with this test's storage and, given a key id, its encryption. */
  private Path cliConfig(String currentKeyId) throws Exception {
    Map<String, Object> storageSection = new HashMap<>(storageSettings);
    if (currentKeyId != null) {
      storageSection.put("encryption", Map.of("kek", "local",
          "local", Map.of("key-id", currentKeyId, "key-dir", keyDir.toString())));
    }
    Path file = Files.createTempFile(configDir, "kafka-backup-", ".yaml");
    Files.write(file, BackupJson.write(Map.of("storage", storageSection,
        "kafka", Map.of("bootstrap.servers", source.bootstrapServers()))));
    return file;
  }

  private void assertNothingRestored(String restored) {
    boolean created;
    try (org.apache.kafka.clients.admin.Admin admin = target.admin()) {
      created = admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(restored);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    if (created) {
      Map<Integer, List<BackupRecord>> read = KafkaFixtures.readCommitted(target, restored);
      assertTrue(read.values().stream().allMatch(List::isEmpty), "records of an undecryptable segment were produced");
    }
  }

  private List<SegmentEntry> allSegments(String backupId, String topic) {
    List<SegmentEntry> all = new ArrayList<>();
    for (SourcePartition partition : new BackupCatalog(storage).partitions(backupId, topic)) {
      all.addAll(KafkaFixtures.segments(storage, backupId, partition));
    }
    return all;
  }

  private boolean committed(String backupId, String topic, long total) {
    long sum = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      sum += PartitionLog.read(storage, backupId, new SourcePartition(topic, p)).nextOffset();
    }
    return sum >= total;
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
