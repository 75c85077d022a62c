package io.kafkabackup.backup.catalog;

import java.nio.charset.StandardCharsets;
import io.kafkabackup.backup.log.PartitionState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.format.SegmentSummary;
import io.kafkabackup.backup.format.SegmentWriter;
import io.kafkabackup.backup.format.TimestampKind;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.backup.log.PartitionLog;
import io.kafkabackup.backup.log.SegmentEntry;
import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.backup.model.BackupState;
import io.kafkabackup.backup.model.BackupStatus;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCatalogTest {
  private static final String TOPIC_ID = "gQ0b3XbVQfGp4mTQmC8Q8w";
  @TempDir
  Path dir;
  StorageBackend storage;
  BackupCatalog catalog;

  @BeforeEach
  void open() {
    storage = StorageBackends.open(Map.of("storage.backend", "filesystem", "storage.filesystem.root", dir.toString()));
    catalog = new BackupCatalog(storage);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private void backup(String id, Instant created, BackupState state, int partitions, int segmentsEach)
      throws IOException {
    storage.put(BackupLayout.descriptor(id), BackupJson.write(new BackupDescriptor(BackupDescriptor.FORMAT, id,
        created.toString(), "snapshot", null, List.of("orders"))), PutOptions.createOnly());
    storage.put(BackupLayout.status(id), BackupJson.write(new BackupStatus(state, "w", created.toString(),
        created.toString(), null, null)));
    for (int p = 0; p < partitions; p++) {
      SourcePartition partition = new SourcePartition("orders", p);
      PartitionLog log = PartitionLog.claim(storage, id, partition, "w", TOPIC_ID);
      for (int s = 0; s < segmentsEach; s++) {
        long start = s * 100L;
        ObjectKey key = BackupLayout.segment(id, partition, start, "w");
        SegmentSummary summary;
        try (ObjectWriter out = storage.openWriter(key, PutOptions.createOnly())) {
          SegmentWriter writer = new SegmentWriter(out, Codec.ZSTD, 3, 4096);
          for (long o = start; o < start + 100; o += 2) { // every other offset absent
            writer.append(new BackupRecord(o, 1000 + o, TimestampKind.CREATE_TIME, null, new byte[] {(byte) o},
                List.of()));
          }
          summary = writer.finish();
        }
        log.commit(start, start + 100, SegmentEntry.of(key.value(), start, start + 100, summary), List.of());
      }
    }
  }

  @Test
  void listDescribeAndVerifyAHealthyBackup() throws IOException {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    backup("nightly-1", t0, BackupState.COMPLETE, 3, 2);
    backup("nightly-2", t0.plusSeconds(86400), BackupState.RUNNING, 1, 1);

    List<BackupSummary> list = catalog.list();
    assertEquals(List.of("nightly-1", "nightly-2"), list.stream().map(BackupSummary::backupId).collect(Collectors.toList()));
    assertEquals(BackupState.COMPLETE, list.get(0).state());

    BackupDescription d = catalog.describe("nightly-1");
    assertEquals(1, d.topics().size());
    assertEquals(3, d.topics().get(0).partitions().size());
    PartitionSummary p0 = d.topics().get(0).partitions().get(0);
    assertEquals(0, p0.startOffset());
    assertEquals(200, p0.nextOffset());
    assertEquals(100, p0.records());
    assertEquals(100, p0.absentOffsets());
    assertEquals(1000, p0.minTimestamp());
    assertEquals(1198, p0.maxTimestamp());
    assertEquals(300, d.records());

    VerifyReport report = catalog.verify("nightly-1");
    assertTrue(report.ok(), report.toString());
    assertEquals(6, report.segmentsChecked());
    assertEquals(List.of(), report.orphans());

    assertThrows(BackupException.class, () -> catalog.describe("nope"));
  }

  @Test
  void verifyNamesAFlippedByteAMissingSegmentAndOrphans() throws IOException {
    backup("b", Instant.parse("2026-01-01T00:00:00Z"), BackupState.COMPLETE, 2, 2);
    SourcePartition p0 = new SourcePartition("orders", 0);
    Path segment = dir.resolve(BackupLayout.segment("b", p0, 100, "w").value());
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(segment, bytes);
    ObjectKey missing = BackupLayout.segment("b", new SourcePartition("orders", 1), 0, "w");
    storage.delete(missing);
    ObjectKey orphan = BackupLayout.segment("b", p0, 200, "crashed");
    storage.put(orphan, new byte[] {1, 2, 3});

    VerifyReport report = catalog.verify("b");
    assertFalse(report.ok());
    Map<String, String> kinds = report.problems().stream()
        .collect(Collectors.toMap(VerifyReport.Problem::object, VerifyReport.Problem::kind));
    assertEquals(Map.of(BackupLayout.segment("b", p0, 100, "w").value(), "corrupt", missing.value(), "missing"), kinds);
    assertEquals(List.of(orphan.value()), report.orphans());
  }

  @Test
  void verifyReadsSegmentsThroughManifestsAndPruneTakesOnlyOrphanManifests() throws IOException {
    Instant now = Instant.parse("2026-03-01T00:00:00Z");
    backup("long", now.minus(Duration.ofDays(1)), BackupState.COMPLETE, 1, 60); // one checkpoint: a manifest
    SourcePartition p0 = new SourcePartition("orders", 0);
    PartitionState state = PartitionLog.read(storage, "long", p0);
    assertEquals(1, state.current().manifests().size());
    ObjectKey orphan = BackupLayout.manifest("long", p0, 0, "crashed", 7, 0);
    storage.put(orphan, "{}".getBytes(StandardCharsets.UTF_8));
    Files.setLastModifiedTime(dir.resolve(orphan.value()), FileTime.from(now.minus(Duration.ofHours(2))));

    VerifyReport report = catalog.verify("long");
    assertTrue(report.ok(), report.toString());
    assertEquals(60, report.segmentsChecked());
    assertEquals(List.of(orphan.value()), report.orphans());
    assertEquals(100 * 60 / 2, catalog.describe("long").records());

    PrunePlan plan = catalog.planPrune(new PrunePolicy(5, null, null), now);
    assertEquals(List.of(orphan.value()), plan.orphans());
    catalog.executePrune(plan);
    assertFalse(storage.exists(orphan));
    assertTrue(catalog.verify("long").ok());

    storage.delete(ObjectKey.of(state.current().manifests().get(0).key()));
    VerifyReport broken = catalog.verify("long");
    assertEquals(List.of("manifest"), broken.problems().stream().map(VerifyReport.Problem::kind)
        .collect(Collectors.toList()));
    assertTrue(broken.problems().get(0).detail().contains(state.current().manifests().get(0).key()),
        broken.problems().toString());
  }

  @Test
  void pruneKeepsTheNewestAndRunningBackupsAndOnlyOldOrphans() throws IOException {
    Instant now = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < 4; i++) {
      backup("b" + i, now.minus(Duration.ofDays(40 - i)), BackupState.COMPLETE, 1, 1);
    }
    backup("running", now.minus(Duration.ofDays(50)), BackupState.RUNNING, 1, 1);
    SourcePartition p0 = new SourcePartition("orders", 0);
    ObjectKey oldOrphan = BackupLayout.segment("b3", p0, 500, "dead");
    ObjectKey newOrphan = BackupLayout.segment("b3", p0, 600, "live");
    storage.put(oldOrphan, new byte[10]);
    storage.put(newOrphan, new byte[10]);
    Files.setLastModifiedTime(dir.resolve(oldOrphan.value()), FileTime.from(now.minus(Duration.ofHours(2))));
    Files.setLastModifiedTime(dir.resolve(newOrphan.value()), FileTime.from(now.minus(Duration.ofMinutes(5))));

    PrunePlan plan = catalog.planPrune(new PrunePolicy(2, null, null), now);
    assertEquals(List.of("b0", "b1"), plan.backups().stream().map(PrunePlan.BackupDeletion::backupId)
        .collect(Collectors.toList()));
    assertEquals(List.of(oldOrphan.value()), plan.orphans());
    // planning deletes nothing
    assertEquals(5, catalog.list().size());

    catalog.executePrune(plan);
    assertEquals(List.of("running", "b2", "b3"), catalog.list().stream().map(BackupSummary::backupId)
        .collect(Collectors.toList()));
    try (Stream<?> left = storage.list("b0/")) {
      assertEquals(0, left.count());
    }
    assertFalse(storage.exists(oldOrphan));
    assertTrue(storage.exists(newOrphan));
    assertTrue(catalog.verify("b3").ok());
  }

  @Test
  void aPlannedBackupThatRunsAgainIsKept() throws IOException {
    Instant now = Instant.parse("2026-03-01T00:00:00Z");
    backup("old", now.minus(Duration.ofDays(100)), BackupState.COMPLETE, 1, 1);
    PrunePlan plan = catalog.planPrune(new PrunePolicy(null, Duration.ofDays(30), null), now);
    assertEquals(1, plan.backups().size());
    storage.put(BackupLayout.status("old"), BackupJson.write(new BackupStatus(BackupState.RUNNING, "w2",
        now.toString(), now.toString(), null, null)));
    catalog.executePrune(plan);
    assertTrue(catalog.verify("old").ok());
  }
}
