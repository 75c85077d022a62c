package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.model.SecuritySnapshot;
import io.kafkabackup.storage.StorageBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Applies the ACLs and client quotas a backup kept ({@code restore --acls / --quotas}). ACLs on a
 * backed-up topic by its literal name follow the restore's renames; prefixed and wildcard patterns and
 * every other resource are applied as they were. Applying twice changes nothing: Kafka keeps one copy
 * of a binding, and a quota set to the value it has is unchanged.
 */
public final class SecurityRestore {
  private final StorageBackend storage;
  private final RestoreOptions options;

  /**
   * Creates a restore of ACLs and quotas.
   *
   * @param storage where the backup is
   * @param options the restore's options (backup, topics, renames, target cluster)
   */
  public SecurityRestore(StorageBackend storage, RestoreOptions options) {
    this.storage = storage;
    this.options = options;
  }

  /**
   * What would be applied, with renames done; writes nothing.
   *
   * @return the ACLs and quotas for the target
   * @throws SelectionException if the backup kept none (written before ACLs were kept, or with scope none)
   */
  public SecuritySnapshot plan() {
    SecuritySnapshot kept = BackupJson.readIfExists(storage, BackupLayout.security(options.backupId()),
        SecuritySnapshot.class).orElseThrow(() -> new SelectionException("backup '" + options.backupId()
            + "' kept no ACLs or quotas (backup.security: none, or written before they were kept)"));
    List<SecuritySnapshot.Acl> acls = kept.acls().stream().map(a -> a.resourceType().equals("TOPIC")
        && a.patternType().equals("LITERAL") && !a.resourceName().equals(ResourcePattern.WILDCARD_RESOURCE)
        ? new SecuritySnapshot.Acl(a.resourceType(), options.targetTopic(a.resourceName()), a.patternType(),
            a.principal(), a.host(), a.operation(), a.permission()) : a).collect(Collectors.toList());
    return new SecuritySnapshot(kept.capturedAt(), kept.scope(), kept.authorizer(), acls, kept.quotas(),
        kept.problem());
  }

  /**
   * Applies a plan to the target cluster.
   *
   * @param plan what {@link #plan()} returned
   * @param acls whether to create the ACLs
   * @param quotas whether to set the quotas
   * @return one line per change requested
   */
  public List<String> apply(SecuritySnapshot plan, boolean acls, boolean quotas) {
    Map<String, Object> props = new TreeMap<>(options.kafka());
    props.putIfAbsent("client.id", "kafka-restore-" + options.restoreId() + "-security");
    List<String> applied = new ArrayList<>();
    try (Admin admin = Admin.create(props)) {
      if (acls && !plan.acls().isEmpty()) {
        List<AclBinding> bindings = plan.acls().stream().map(SecurityRestore::binding).collect(Collectors.toList());
        ClusterSnapshots.await(admin.createAcls(bindings).all(), "creating ACLs");
        plan.acls().forEach(a -> applied.add("acl " + describe(a)));
      }
      if (quotas && !plan.quotas().isEmpty()) {
        List<ClientQuotaAlteration> alterations = plan.quotas().stream().map(q -> new ClientQuotaAlteration(
            new ClientQuotaEntity(q.entity()), q.values().entrySet().stream()
                .map(v -> new ClientQuotaAlteration.Op(v.getKey(), v.getValue())).collect(Collectors.toList())))
            .collect(Collectors.toList());
        ClusterSnapshots.await(admin.alterClientQuotas(alterations).all(), "setting client quotas");
        plan.quotas().forEach(q -> applied.add("quota " + q.entity() + " " + q.values()));
      }
    }
    return applied;
  }

  /**
   * One ACL in words, as the plan and the CLI print it.
   *
   * @param a the ACL
   * @return e.g. {@code ALLOW User:alice READ on TOPIC orders (LITERAL) from *}
   */
  public static String describe(SecuritySnapshot.Acl a) {
    return a.permission() + " " + a.principal() + " " + a.operation() + " on " + a.resourceType() + " "
        + a.resourceName() + " (" + a.patternType() + ") from " + a.host();
  }

  private static AclBinding binding(SecuritySnapshot.Acl a) {
    return new AclBinding(new ResourcePattern(ResourceType.valueOf(a.resourceType()), a.resourceName(),
        PatternType.valueOf(a.patternType())), new AccessControlEntry(a.principal(), a.host(),
        AclOperation.valueOf(a.operation()), AclPermissionType.valueOf(a.permission())));
  }
}
