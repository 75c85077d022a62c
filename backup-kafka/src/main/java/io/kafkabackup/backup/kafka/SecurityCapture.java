package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.model.SecuritySnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Reads a cluster's ACLs and client quotas for a backup through the Admin API. A cluster without an
 * authorizer is recorded as such; a principal that may not describe ACLs or quotas is recorded as a
 * problem and logged, never a failure of the backup.
 */
final class SecurityCapture {
  private SecurityCapture() {
  }

  static SecuritySnapshot capture(Admin admin, SecurityScope scope, Set<String> topics, Set<String> groups) {
    List<SecuritySnapshot.Acl> acls = new ArrayList<>();
    List<SecuritySnapshot.Quota> quotas = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    boolean authorizer = true;
    try {
      for (AclBinding binding : get(admin.describeAcls(AclBindingFilter.ANY).values())) {
        if (scope == SecurityScope.CLUSTER || concerns(binding.pattern(), topics, groups)) {
          acls.add(toAcl(binding));
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException) {
        authorizer = false;
      } else {
        problems.add("ACLs not read: " + e.getCause().getMessage());
      }
    }
    try {
      get(admin.describeClientQuotas(ClientQuotaFilter.all()).entities()).forEach((entity, values) ->
          quotas.add(new SecuritySnapshot.Quota(new TreeMap<>(entity.entries()), new TreeMap<>(values))));
    } catch (ExecutionException e) {
      problems.add("client quotas not read: " + e.getCause().getMessage());
    }
    return new SecuritySnapshot(Instant.now().toString(), scope.name().toLowerCase(Locale.ROOT), authorizer, acls,
        quotas, problems.isEmpty() ? null : String.join("; ", problems));
  }

  /** Whether an ACL's pattern covers a backed-up topic or a group that reads one. */
  private static boolean concerns(ResourcePattern pattern, Set<String> topics, Set<String> groups) {
    Collection<String> names = pattern.resourceType() == ResourceType.TOPIC ? topics
        : pattern.resourceType() == ResourceType.GROUP ? groups : List.of();
    String name = pattern.name();
    return names.stream().anyMatch(n -> name.equals(ResourcePattern.WILDCARD_RESOURCE)
        || pattern.patternType() == PatternType.LITERAL && name.equals(n)
        || pattern.patternType() == PatternType.PREFIXED && n.startsWith(name));
  }

  private static SecuritySnapshot.Acl toAcl(AclBinding b) {
    return new SecuritySnapshot.Acl(b.pattern().resourceType().name(), b.pattern().name(),
        b.pattern().patternType().name(), b.entry().principal(), b.entry().host(), b.entry().operation().name(),
        b.entry().permissionType().name());
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws ExecutionException {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException("interrupted while reading ACLs and quotas", e);
    } catch (TimeoutException e) {
      throw new ExecutionException(new BackupException("no answer in 60 s"));
    }
  }
}
