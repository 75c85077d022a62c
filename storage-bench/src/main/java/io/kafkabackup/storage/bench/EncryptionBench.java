package io.kafkabackup.storage.bench;

import io.kafkabackup.storage.crypto.AesGcm;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of client-side encryption: on one broker and the same topic, the pipeline's backup and
 * restore (each in a cold JVM of its own, like {@link PipelineBench}'s jobs) plain and encrypted, one
 * after the other, with a local key-encryption key (the key service's two calls per segment are not
 * what is measured here: AES-256-GCM over every block is). Rates and CPU per GB of record payload.
 *
 * <p>System properties: {@code bench.pipelineMiB} (data per cell, default 256), {@code bench.providers}
 * (default {@code filesystem,s3}).
 */
final class EncryptionBench {
  private static final int VALUE_BYTES = 1000;

  private EncryptionBench() {
  }

  static String run() throws Exception {
    long mib = Long.getLong("bench.pipelineMiB", 256);
    long records = mib * 1024 * 1024 / (VALUE_BYTES + 24);
    List<String> providers = List.of(System.getProperty("bench.providers", "filesystem,s3").split(","));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    List<String> encryption = List.of("storage.encryption.kek=local", "storage.encryption.local.key-id=bench",
        "storage.encryption.local.key=" + Base64.getEncoder().encodeToString(key));
    StringBuilder md = new StringBuilder("## Encryption on and off\n\n")
        .append(String.format(Locale.ROOT, "%,d records of ~1 KiB (%d MiB) per cell, one KRaft broker on loopback, AES-GCM from %s; "
            + "each job in a JVM of its own with -Xmx256m, plain then encrypted (AES-256-GCM per block, a local KEK), "
            + "on the same topic and store. Rates in MB/s of record payload; CPU s/GB is the job's process plus this "
            + "one's (broker, S3Proxy).%n%n", records, mib, AesGcm.implementation()))
        .append("| provider | partitions | backup plain | backup encrypted | encrypted ÷ plain | restore plain "
            + "| restore encrypted | encrypted ÷ plain | CPU s/GB backup plain / encrypted | CPU s/GB restore plain / encrypted |\n"
            + "|---|---|---|---|---|---|---|---|---|---|\n");
    Path scratch = Files.createTempDirectory("bench-encryption-");
    try (KafkaBroker broker = KafkaBroker.start()) {
      String bootstrap = (String) broker.clientProperties().get("bootstrap.servers");
      // Untimed: compiles the backup, restore and cipher paths of this JVM's Kafka and storage code.
      cell(broker, bootstrap, scratch, "warmup", "filesystem", 8, Math.min(records, 64 * 1024), encryption);
      for (int partitions : new int[] {1, 8}) {
        for (String provider : providers) {
          String row = cell(broker, bootstrap, scratch, "encryption", provider.trim(), partitions, records, encryption);
          md.append(row);
          System.out.print(row);
        }
      }
    }
    return md.toString();
  }

  private static String cell(KafkaBroker broker, String bootstrap, Path scratch, String prefix, String provider,
      int partitions, long records, List<String> encryption) throws Exception {
    String topic = prefix + "-" + provider + "-" + partitions;
    broker.createTopic(topic, partitions, Map.of());
    PipelineBench.produce(bootstrap, topic, partitions, records);
    try (Fixture fixture = Fixture.open(provider, scratch)) {
      List<String> storage = new ArrayList<>();
      fixture.config.forEach((k, v) -> storage.add(k + "=" + v));
      List<String> plain = new ArrayList<>(storage);
      plain.add(PipelineChild.JOB_NAME + topic + "-plain");
      List<String> sealed = new ArrayList<>(storage);
      sealed.addAll(encryption);
      sealed.add(PipelineChild.JOB_NAME + topic + "-sealed");
      long payload = records * VALUE_BYTES;
      PipelineBench.Rate backupPlain = PipelineBench.inChild("backup", topic, bootstrap, plain, payload);
      PipelineBench.Rate backupSealed = PipelineBench.inChild("backup", topic, bootstrap, sealed, payload);
      PipelineBench.Rate restorePlain = PipelineBench.inChild("restore", topic, bootstrap, plain, -1);
      PipelineBench.Rate restoreSealed = PipelineBench.inChild("restore", topic, bootstrap, sealed, -1);
      return String.format(Locale.ROOT, "| %s | %d | %.0f MB/s | %.0f MB/s | %.2f | %.0f MB/s | %.0f MB/s | %.2f "
          + "| %.1f / %.1f | %.1f / %.1f |%n", provider, partitions, backupPlain.megabytesPerSecond(),
          backupSealed.megabytesPerSecond(), backupSealed.perSecond() / backupPlain.perSecond(),
          restorePlain.megabytesPerSecond(), restoreSealed.megabytesPerSecond(),
          restoreSealed.perSecond() / restorePlain.perSecond(), backupPlain.cpuPerGb(), backupSealed.cpuPerGb(),
          restorePlain.cpuPerGb(), restoreSealed.cpuPerGb());
    }
  }
}
