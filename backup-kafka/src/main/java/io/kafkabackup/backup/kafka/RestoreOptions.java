package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.format.BackupRecord;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.log.SegmentFilter;
import io.kafkabackup.storage.KeyWrapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link RestoreJob} does. Built with {@link #builder(String)}; by default every topic of the
 * backup is restored under its own name, partitions kept, all offsets and times, topics created when
 * missing.
 */
public final class RestoreOptions {
  private final String backupId;
  private final String restoreId;
  private final TopicSelection topics;
  private final Set<Integer> partitions;
  private final long fromOffset;
  private final long toOffset;
  private final long fromTimestamp;
  private final long toTimestamp;
  private final Map<String, String> topicNames;
  private final Map<String, String> incarnations;
  private final PartitionMapping partitionMapping;
  private final Integer targetPartitions;
  private final boolean createTopics;
  private final ExistingDataPolicy onExistingData;
  private final boolean allowLogAppendTime;
  private final int concurrency;
  private final int transactionRecords;
  private final long maxBytesPerSecond;
  private final long maxRecordsPerSecond;
  private final Map<String, Object> kafka;
  private final Object meterRegistry;
  private final KeyWrapper keyWrapper;

  private RestoreOptions(Builder b) {
    this.backupId = BackupLayout.checkBackupId(b.backupId);
    this.restoreId = b.restoreId == null ? backupId : BackupLayout.checkBackupId(b.restoreId);
    this.topics = b.topics;
    this.partitions = b.partitions == null ? null : Set.copyOf(b.partitions);
    this.fromOffset = b.fromOffset;
    this.toOffset = b.toOffset;
    this.fromTimestamp = b.fromTimestamp;
    this.toTimestamp = b.toTimestamp;
    this.topicNames = Map.copyOf(b.topicNames);
    this.incarnations = Map.copyOf(b.incarnations);
    this.partitionMapping = b.partitionMapping;
    this.targetPartitions = b.targetPartitions;
    this.createTopics = b.createTopics;
    this.onExistingData = b.onExistingData;
    this.allowLogAppendTime = b.allowLogAppendTime;
    this.concurrency = b.concurrency;
    this.transactionRecords = b.transactionRecords;
    this.maxBytesPerSecond = b.maxBytesPerSecond;
    this.maxRecordsPerSecond = b.maxRecordsPerSecond;
    this.kafka = Map.copyOf(b.kafka);
    this.meterRegistry = b.meterRegistry;
    this.keyWrapper = b.keyWrapper;
    if (!kafka.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("kafka property 'bootstrap.servers' is required");
    }
    if (fromTimestamp > toTimestamp) {
      throw new IllegalArgumentException("the time window is empty: from " + fromTimestamp + " > to " + toTimestamp);
    }
    if (fromOffset > toOffset) {
      throw new IllegalArgumentException("the offset range is empty: from " + fromOffset + " > to " + toOffset);
    }
    if (targetPartitions != null && partitionMapping != PartitionMapping.KEY_HASH) {
      throw new IllegalArgumentException("a target partition count needs the key-hash partition mapping");
    }
  }

  /**
   * Starts building options.
   *
   * @param backupId the backup to restore from
   * @return a builder with the defaults
   */
  public static Builder builder(String backupId) {
    return new Builder(backupId);
  }

  /** @return the backup restored from */
  public String backupId() {
    return backupId;
  }

  /** @return the id that names this restore's transactional ids and position groups (default: the backup id) */
  public String restoreId() {
    return restoreId;
  }

  /** @return the topic selection, or null for every topic of the backup */
  public TopicSelection topics() {
    return topics;
  }

  /** @return the source partitions to restore, or null for all */
  public Set<Integer> partitions() {
    return partitions;
  }

  /** @return the first source offset restored */
  public long fromOffset() {
    return fromOffset;
  }

  /** @return the last source offset restored (inclusive) */
  public long toOffset() {
    return toOffset;
  }

  /** @return the earliest record timestamp restored (inclusive) */
  public long fromTimestamp() {
    return fromTimestamp;
  }

  /** @return the latest record timestamp restored (inclusive): the point in time */
  public long toTimestamp() {
    return toTimestamp;
  }

  /**
   * Tells whether a backed-up record is in the offset range and the time window.
   *
   * @param record a record of a selected partition
   * @return whether it is restored
   */
  public boolean selects(BackupRecord record) {
    return record.offset() >= fromOffset && record.offset() <= toOffset && record.timestamp() >= fromTimestamp
        && record.timestamp() <= toTimestamp;
  }

  /**
   * The offset range and time window as a filter of segments and manifests.
   *
   * @return the filter
   */
  public SegmentFilter segmentFilter() {
    return new SegmentFilter(fromOffset, toOffset, fromTimestamp, toTimestamp);
  }

  /**
   * The target topic of a source topic.
   *
   * @param source the backed-up topic
   * @return its new name, or the same
   */
  public String targetTopic(String source) {
    return topicNames.getOrDefault(source, source);
  }

  /**
   * The incarnation of a topic to restore.
   *
   * @param source the backed-up topic
   * @return the topic id of the chosen incarnation, or null for the newest
   */
  public String incarnation(String source) {
    return incarnations.get(source);
  }

  /** @return the partition mapping */
  public PartitionMapping partitionMapping() {
    return partitionMapping;
  }

  /** @return the partition count of created target topics under key-hash mapping, or null for the source's */
  public Integer targetPartitions() {
    return targetPartitions;
  }

  /** @return whether missing target topics are created */
  public boolean createTopics() {
    return createTopics;
  }

  /** @return what happens when a target topic already holds records */
  public ExistingDataPolicy onExistingData() {
    return onExistingData;
  }

  /** @return whether a target topic that sets timestamps on append is accepted */
  public boolean allowLogAppendTime() {
    return allowLogAppendTime;
  }

  /** @return source partitions restored at once */
  public int concurrency() {
    return concurrency;
  }

  /** @return records after which a transaction ends, at the end of the segment being restored */
  public int transactionRecords() {
    return transactionRecords;
  }

  /** @return the restore's limit in bytes (keys and values) per second over all partitions, 0 for none */
  public long maxBytesPerSecond() {
    return maxBytesPerSecond;
  }

  /** @return the restore's limit in records per second over all partitions, 0 for none */
  public long maxRecordsPerSecond() {
    return maxRecordsPerSecond;
  }

  /** @return the target cluster's client properties */
  public Map<String, Object> kafka() {
    return kafka;
  }

  /** @return the Micrometer registry (a {@code MeterRegistry}), or null for no metrics */
  Object meterRegistry() {
    return meterRegistry;
  }

  /**
   * The key-encryption key service, when encryption is configured: the data keys of encrypted segments are unwrapped with it.
   *
   * @return the service, or empty
   */
  public Optional<KeyWrapper> keyWrapper() {
    return Optional.ofNullable(keyWrapper);
  }

  /** Builds {@link RestoreOptions}. */
  public static final class Builder {
    private final String backupId;
    private String restoreId;
    private TopicSelection topics;
    private Set<Integer> partitions;
    private long fromOffset;
    private long toOffset = Long.MAX_VALUE;
    private long fromTimestamp = Long.MIN_VALUE;
    private long toTimestamp = Long.MAX_VALUE;
    private final Map<String, String> topicNames = new TreeMap<>();
    private final Map<String, String> incarnations = new TreeMap<>();
    private PartitionMapping partitionMapping = PartitionMapping.KEEP;
    private Integer targetPartitions;
    private boolean createTopics = true;
    private ExistingDataPolicy onExistingData = ExistingDataPolicy.FAIL;
    private boolean allowLogAppendTime;
    private int concurrency = 4;
    private int transactionRecords = 20_000;
    private long maxBytesPerSecond;
    private long maxRecordsPerSecond;
    private final Map<String, Object> kafka = new TreeMap<>();
    private Object meterRegistry;
    private KeyWrapper keyWrapper;

    private Builder(String backupId) {
      this.backupId = backupId;
    }

    /**
     * Names this restore: a restore resumed with the same id continues exactly where it stopped; a new id
     * restores again from the start.
     *
     * @param restoreId the id
     * @return this builder
     */
    public Builder restoreId(String restoreId) {
      this.restoreId = restoreId;
      return this;
    }

    /**
     * Restores only some topics.
     *
     * @param topics the selection over the backup's topics
     * @return this builder
     */
    public Builder topics(TopicSelection topics) {
      this.topics = topics;
      return this;
    }

    /**
     * Restores only some source partitions (of every selected topic).
     *
     * @param partitions partition numbers
     * @return this builder
     */
    public Builder partitions(Set<Integer> partitions) {
      this.partitions = partitions;
      return this;
    }

    /**
     * Restores only source offsets in {@code [from, to]}.
     *
     * @param from the first offset
     * @param to the last offset, inclusive
     * @return this builder
     */
    public Builder offsets(long from, long to) {
      this.fromOffset = from;
      this.toOffset = to;
      return this;
    }

    /**
     * Restores only records with a timestamp in {@code [from, to]} (epoch milliseconds); a point in time
     * is {@code (Long.MIN_VALUE, T)}.
     *
     * @param from the earliest timestamp, inclusive
     * @param to the latest timestamp, inclusive
     * @return this builder
     */
    public Builder timeWindow(long from, long to) {
      this.fromTimestamp = from;
      this.toTimestamp = to;
      return this;
    }

    /**
     * Restores a topic under another name.
     *
     * @param source the backed-up topic
     * @param target the topic to write
     * @return this builder
     */
    public Builder renameTopic(String source, String target) {
      this.topicNames.put(BackupLayout.checkTopic(source), BackupLayout.checkTopic(target));
      return this;
    }

    /**
     * Limits the restore's rate over all its partitions, so that a restore into a live cluster does not
     * starve that cluster's producers (default: no limit).
     *
     * @param bytesPerSecond bytes of keys and values per second, 0 for no limit
     * @param recordsPerSecond records per second, 0 for no limit
     * @return this builder
     */
    public Builder throttle(long bytesPerSecond, long recordsPerSecond) {
      if (bytesPerSecond < 0 || recordsPerSecond < 0) {
        throw new IllegalArgumentException("max-bytes-per-second and max-records-per-second must be >= 0");
      }
      this.maxBytesPerSecond = bytesPerSecond;
      this.maxRecordsPerSecond = recordsPerSecond;
      return this;
    }

    /**
     * Restores an older incarnation of a topic (the topic before it was deleted and created again)
     * instead of the newest; {@code describe} lists each incarnation's topic id.
     *
     * @param source the backed-up topic
     * @param topicId the incarnation's Kafka topic id
     * @return this builder
     */
    public Builder incarnation(String source, String topicId) {
      this.incarnations.put(BackupLayout.checkTopic(source), Objects.requireNonNull(topicId, "topicId"));
      return this;
    }

    /**
     * Sets how records find their target partition.
     *
     * @param mapping keep or key-hash
     * @param targetPartitions for key-hash: the partition count of created topics (null: the source's)
     * @return this builder
     */
    public Builder partitionMapping(PartitionMapping mapping, Integer targetPartitions) {
      this.partitionMapping = Objects.requireNonNull(mapping, "mapping");
      this.targetPartitions = targetPartitions;
      return this;
    }

    /**
     * Sets whether missing target topics are created (default true).
     *
     * @param create whether to create them
     * @return this builder
     */
    public Builder createTopics(boolean create) {
      this.createTopics = create;
      return this;
    }

    /**
     * Sets what happens when a target topic already holds records (default {@link ExistingDataPolicy#FAIL}).
     *
     * @param policy fail, append or purge
     * @return this builder
     */
    public Builder onExistingData(ExistingDataPolicy policy) {
      this.onExistingData = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Accepts target topics with {@code message.timestamp.type=LogAppendTime}, whose broker replaces every
     * restored timestamp (default false: such a target is refused).
     *
     * @param allow whether to accept them
     * @return this builder
     */
    public Builder allowLogAppendTime(boolean allow) {
      this.allowLogAppendTime = allow;
      return this;
    }

    /**
     * Sets how many source partitions are restored at once (default 4).
     *
     * @param concurrency the count
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency <= 0) {
        throw new IllegalArgumentException("concurrency must be > 0: " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Sets how many records a transaction collects before it ends (default 20,000). Transactions end
     * only at segment ends, after the segment's SHA-256 is checked, so consecutive small segments share
     * one and a large segment is one transaction; {@code transaction.timeout.ms} (default here 2
     * minutes) must cover producing one segment.
     *
     * @param records the count
     * @return this builder
     */
    public Builder transactionRecords(int records) {
      if (records <= 0) {
        throw new IllegalArgumentException("transaction records must be > 0: " + records);
      }
      this.transactionRecords = records;
      return this;
    }

    /**
     * Adds the target cluster's client properties.
     *
     * @param properties bootstrap servers, security…
     * @return this builder
     */
    public Builder kafka(Map<String, ?> properties) {
      this.kafka.putAll(properties);
      return this;
    }

    /**
     * Publishes the restore's metrics (records, bytes, transactions).
     *
     * @param registry a Micrometer registry (Micrometer is an optional dependency)
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Sets the key-encryption key service (default none: encrypted segments cannot be restored). The caller owns and closes it.
     *
     * @param keyWrapper the service, or null
     * @return this builder
     */
    public Builder encryption(KeyWrapper keyWrapper) {
      this.keyWrapper = keyWrapper;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public RestoreOptions build() {
      return new RestoreOptions(this);
    }
  }
}
