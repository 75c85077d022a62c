package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.kafka.BackupJob;
import io.kafkabackup.backup.kafka.BackupOptions;
import io.kafkabackup.backup.kafka.RestoreJob;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.backup.kafka.SecurityRestore;
import io.kafkabackup.backup.kafka.SecurityScope;
import io.kafkabackup.backup.kafka.TopicSelection;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.model.SecuritySnapshot;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs and client quotas kept with a backup and applied to the DR cluster, on brokers that authorize
 * (KRaft's StandardAuthorizer, SASL/SCRAM users); and a restore whose principal may not write its target
 * refused before anything is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityTest {
  private KafkaBroker source;
  private KafkaBroker target;
  @TempDir
  Path root;

  @BeforeAll
  void start() {
    source = KafkaBroker.startAuthorizing(Map.of("alice", "alice-secret"));
    target = KafkaBroker.startAuthorizing(Map.of("restorer", "restorer-secret"));
  }

  @AfterAll
  void stop() {
    source.close();
    target.close();
  }

  private static AclBinding allow(ResourceType type, String name, PatternType pattern, String user, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  /** The broker's ACLs but the restorer's (the other test's). */
  private static Set<String> acls(KafkaBroker broker) throws Exception {
    try (Admin admin = broker.admin()) {
      return admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
          .map(AclBinding::toString).filter(a -> !a.contains("User:restorer"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void aclsAndQuotasOfTheBackedUpTopicsAreKeptAndAppliedUnderTheirNewNamesTwiceTheSame() throws Exception {
    source.createTopic("orders", 1, Map.of());
    source.createTopic("other", 1, Map.of());
    try (Admin admin = source.admin()) {
      admin.createAcls(List.of(
          allow(ResourceType.TOPIC, "orders", PatternType.LITERAL, "alice", AclOperation.READ),
          allow(ResourceType.TOPIC, "orders", PatternType.LITERAL, "alice", AclOperation.WRITE),
          allow(ResourceType.GROUP, "billing", PatternType.LITERAL, "alice", AclOperation.READ),
          allow(ResourceType.TOPIC, "ord", PatternType.PREFIXED, "bob", AclOperation.READ),
          allow(ResourceType.TOPIC, "other", PatternType.LITERAL, "carol", AclOperation.READ)))
          .all().get(30, TimeUnit.SECONDS);
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of("user", "alice")),
          List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1048576.0))))).all().get(30, TimeUnit.SECONDS);
    }
    KafkaFixtures.producePlain(source, "orders", 1, 20, 1);
    Map<String, Object> group = source.clientProperties();
    group.put("group.id", "billing");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(group, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(10)));
    }

    try (StorageBackend storage = StorageUnderTest.open(StorageUnderTest.filesystem(root))) {
      new BackupJob(storage, BackupOptions.builder("secure", TopicSelection.of("orders"))
          .kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
      SecuritySnapshot kept = BackupJson.read(storage.get(BackupLayout.security("secure")), SecuritySnapshot.class,
          "security.json");
      assertTrue(kept.authorizer());
      assertNull(kept.problem());
      assertEquals(Set.of("orders", "billing", "ord"), kept.acls().stream().map(SecuritySnapshot.Acl::resourceName)
          .collect(Collectors.toSet()), "carol's ACL on a topic not backed up stays out");
      assertEquals(4, kept.acls().size());
      assertEquals(List.of(new SecuritySnapshot.Quota(Map.of("user", "alice"), Map.of("producer_byte_rate",
          1048576.0))), kept.quotas());

      RestoreOptions options = RestoreOptions.builder("secure").kafka(target.clientProperties())
          .renameTopic("orders", "orders-dr").build();
      new RestoreJob(storage, options).run();
      SecurityRestore security = new SecurityRestore(storage, options);
      SecuritySnapshot plan = security.plan();
      assertTrue(plan.acls().stream().anyMatch(a -> a.resourceName().equals("orders-dr")), plan.toString());
      assertEquals(5, security.apply(plan, true, true).size(), "four ACLs and one quota");
      Set<String> once = acls(target);
      assertEquals(4, once.size(), once.toString());
      assertTrue(once.stream().anyMatch(a -> a.contains("name=orders-dr") && a.contains("User:alice")
          && a.contains("operation=WRITE")), once.toString());
      assertTrue(once.stream().anyMatch(a -> a.contains("name=ord,") && a.contains("patternType=PREFIXED")),
          once.toString());
      security.apply(security.plan(), true, true);
      assertEquals(once, acls(target), "applying again changes nothing");
      try (Admin admin = target.admin()) {
        assertEquals(Map.of(new ClientQuotaEntity(Map.of("user", "alice")), Map.of("producer_byte_rate", 1048576.0)),
            admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS));
      }

      // a backup that keeps none: asking for them is a usage error naming the setting
      new BackupJob(storage, BackupOptions.builder("bare", TopicSelection.of("orders")).kafka(source.clientProperties())
          .pollTimeout(Duration.ofMillis(100)).securityScope(SecurityScope.NONE).build()).run();
      SelectionException none = assertThrows(SelectionException.class, () -> new SecurityRestore(storage,
          RestoreOptions.builder("bare").kafka(target.clientProperties()).build()).plan());
      assertTrue(none.getMessage().contains("backup.security: none"), none.getMessage());
    }
  }

  @Test
  void aRestoreWhosePrincipalMayNotWriteItsTargetIsRefusedBeforeAnythingIsWritten() throws Exception {
    source.createTopic("ledger", 1, Map.of());
    KafkaFixtures.producePlain(source, "ledger", 1, 10, 2);
    target.createTopic("ledger", 1, Map.of());
    try (Admin admin = target.admin()) {
      // the restorer may see and read the topic and use its restore groups, but not write the topic
      admin.createAcls(List.of(
          allow(ResourceType.TOPIC, "ledger", PatternType.LITERAL, "restorer", AclOperation.READ),
          allow(ResourceType.TOPIC, "ledger", PatternType.LITERAL, "restorer", AclOperation.DESCRIBE_CONFIGS),
          allow(ResourceType.GROUP, "kafka-backup-restore", PatternType.PREFIXED, "restorer", AclOperation.READ)))
          .all().get(30, TimeUnit.SECONDS);
    }
    try (StorageBackend storage = StorageUnderTest.open(StorageUnderTest.filesystem(root.resolve("ledger")))) {
      new BackupJob(storage, BackupOptions.builder("ledger", TopicSelection.of("ledger"))
          .kafka(source.clientProperties()).pollTimeout(Duration.ofMillis(100)).build()).run();
      SelectionException e = assertThrows(SelectionException.class, () -> new RestoreJob(storage,
          RestoreOptions.builder("ledger").kafka(target.saslClientProperties("restorer", "restorer-secret")).build())
          .run());
      assertTrue(e.getMessage().contains("may not write to target topic 'ledger'") && e.getMessage().contains("read"),
          e.getMessage());
    }
    assertEquals(0, KafkaFixtures.readCommitted(target, "ledger").values().stream().mapToInt(List::size).sum());
  }
}
