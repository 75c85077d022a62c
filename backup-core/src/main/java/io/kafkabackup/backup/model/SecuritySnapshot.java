package io.kafkabackup.backup.model;

import java.util.List;
import java.util.Map;

/**
 * Who may do what on the backed-up cluster, and the client quotas, as a backup found them
 * ({@code security.json}, rewritten by every run of the backup). A restore applies them with
 * {@code --acls} / {@code --quotas}.
 *
 * @param capturedAt when they were read (ISO-8601)
 * @param scope {@code topics}: the ACLs on the backed-up topics and on the groups that read them;
 *     {@code cluster}: every ACL
 * @param authorizer whether the cluster has an authorizer; without one there are no ACLs to keep
 * @param acls the ACLs, as Kafka's Admin API describes them
 * @param quotas every client quota
 * @param problem why ACLs or quotas could not be read (the backup's principal may not describe them), or null
 */
public record SecuritySnapshot(String capturedAt, String scope, boolean authorizer, List<Acl> acls,
    List<Quota> quotas, String problem) {

  /**
   * One ACL binding. Every field is Kafka's enum name or value as the Admin API gives it.
   *
   * @param resourceType {@code TOPIC}, {@code GROUP}, {@code CLUSTER}, {@code TRANSACTIONAL_ID}, ...
   * @param resourceName the resource's name or pattern ({@code *} for any)
   * @param patternType {@code LITERAL} or {@code PREFIXED}
   * @param principal e.g. {@code User:alice}
   * @param host the host, {@code *} for any
   * @param operation e.g. {@code READ}
   * @param permission {@code ALLOW} or {@code DENY}
   */
  public record Acl(String resourceType, String resourceName, String patternType, String principal, String host,
      String operation, String permission) {
  }

  /**
   * One client quota entity and its values.
   *
   * @param entity entity type ({@code user}, {@code client-id}, {@code ip}) to name, null for the default
   * @param values quota key (e.g. {@code producer_byte_rate}) to value
   */
  public record Quota(Map<String, String> entity, Map<String, Double> values) {
  }
}
