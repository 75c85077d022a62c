package io.kafkabackup.backup.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kafkabackup.backup.model.BackupDescriptor;
import io.kafkabackup.backup.model.BackupStatus;
import io.kafkabackup.backup.model.SecuritySnapshot;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything the catalog knows about one backup.
 *
 * @param descriptor what the backup is
 * @param status the latest job's status (null if none was written)
 * @param topics its topics, by name
 * @param groupSnapshots how many consumer-group snapshots it holds
 * @param security the ACLs and client quotas kept with it (null when none were kept)
 */
public record BackupDescription(
    BackupDescriptor descriptor, BackupStatus status, List<TopicSummary> topics, int groupSnapshots,
    SecuritySnapshot security) {

  /** The topic Confluent's Schema Registry keeps its schemas in, unless configured otherwise. */
  public static final String SCHEMAS_TOPIC = "_schemas";

  /**
   * What a restore of this backup may miss: topics whose values carry Schema Registry ids while the
   * backup holds no schemas topic (restored alone, those ids point nowhere, or at other schemas).
   *
   * @return one sentence per problem, empty when none
   */
  @JsonProperty
  public List<String> warnings() {
    List<String> framed = topics.stream().filter(TopicSummary::schemaIdFraming).map(TopicSummary::topic)
        .collect(Collectors.toList());
    boolean schemas = topics.stream().anyMatch(t -> t.topic().equals(SCHEMAS_TOPIC));
    if (framed.isEmpty() || schemas) {
      return List.of();
    }
    return List.of("topic(s) " + String.join(", ", framed) + " carry Schema Registry schema ids but the backup has no "
        + SCHEMAS_TOPIC + " topic: back the registry's topic up with them and restore it first (docs/restore.md)");
  }

  /**
   * Records stored.
   *
   * @return the sum over all topics
   */
  public long records() {
    return topics.stream().mapToLong(TopicSummary::records).sum();
  }

  /**
   * Bytes stored in segments.
   *
   * @return the sum over all topics
   */
  public long storedBytes() {
    return topics.stream().mapToLong(TopicSummary::storedBytes).sum();
  }
}
