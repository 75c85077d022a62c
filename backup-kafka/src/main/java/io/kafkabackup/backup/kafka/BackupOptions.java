package io.kafkabackup.backup.kafka;

import io.kafkabackup.backup.format.Codec;
import io.kafkabackup.backup.format.SegmentWriter;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.log.LogPolicy;
import io.kafkabackup.storage.KeyWrapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link BackupJob} does. Built with {@link #builder(String, TopicSelection)}; every setting but
 * the id and the topics has a default.
 */
public final class BackupOptions {
  private final String backupId;
  private final TopicSelection topics;
  private final BackupMode mode;
  private final Codec codec;
  private final int compressionLevel;
  private final int blockBytes;
  private final long segmentMaxBytes;
  private final long segmentMaxRecords;
  private final Duration segmentMaxAge;
  private final int workers;
  private final String groupId;
  private final Duration pollTimeout;
  private final Duration groupSnapshotInterval;
  private final Duration topicCheckInterval;
  private final Duration discoveryInterval;
  private final PartitionErrorPolicy onPartitionError;
  private final LogPolicy logPolicy;
  private final SecurityScope securityScope;
  private final boolean perPartitionMetrics;
  private final Map<String, Object> kafka;
  private final Object meterRegistry;
  private final KeyWrapper keyWrapper;

  private BackupOptions(Builder b) {
    this.backupId = BackupLayout.checkBackupId(b.backupId);
    this.topics = Objects.requireNonNull(b.topics, "topics");
    this.mode = b.mode;
    this.codec = b.codec;
    this.compressionLevel = b.compressionLevel;
    this.blockBytes = b.blockBytes;
    this.segmentMaxBytes = b.segmentMaxBytes;
    this.segmentMaxRecords = b.segmentMaxRecords;
    this.segmentMaxAge = b.segmentMaxAge;
    this.workers = b.workers;
    this.groupId = b.groupId;
    this.pollTimeout = b.pollTimeout;
    this.groupSnapshotInterval = b.groupSnapshotInterval;
    this.topicCheckInterval = b.topicCheckInterval;
    this.discoveryInterval = b.discoveryInterval;
    this.onPartitionError = b.onPartitionError;
    this.logPolicy = b.logPolicy;
    this.securityScope = b.securityScope;
    this.perPartitionMetrics = b.perPartitionMetrics;
    this.kafka = Map.copyOf(b.kafka);
    this.meterRegistry = b.meterRegistry;
    this.keyWrapper = b.keyWrapper;
    if (!kafka.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("kafka property 'bootstrap.servers' is required");
    }
  }

  /**
   * Starts building options.
   *
   * @param backupId the backup to write (created on the first run, resumed on later ones)
   * @param topics which topics to back up
   * @return a builder with the defaults
   */
  public static Builder builder(String backupId, TopicSelection topics) {
    return new Builder(backupId, topics);
  }

  /** @return the backup id */
  public String backupId() {
    return backupId;
  }

  /** @return the topic selection */
  public TopicSelection topics() {
    return topics;
  }

  /** @return snapshot or continuous */
  public BackupMode mode() {
    return mode;
  }

  /** @return the segment block compression */
  public Codec codec() {
    return codec;
  }

  /** @return the zstd level */
  public int compressionLevel() {
    return compressionLevel;
  }

  /** @return the uncompressed block size */
  public int blockBytes() {
    return blockBytes;
  }

  /** @return the size at which a segment is closed */
  public long segmentMaxBytes() {
    return segmentMaxBytes;
  }

  /** @return the record count at which a segment is closed */
  public long segmentMaxRecords() {
    return segmentMaxRecords;
  }

  /** @return the age at which a segment is closed */
  public Duration segmentMaxAge() {
    return segmentMaxAge;
  }

  /** @return consumers (threads) this job runs */
  public int workers() {
    return workers;
  }

  /** @return the consumer group shared by scaled-out instances, or null for a single instance */
  public String groupId() {
    return groupId;
  }

  /** @return how long one poll waits */
  public Duration pollTimeout() {
    return pollTimeout;
  }

  /** @return how often a continuous backup snapshots consumer-group offsets */
  public Duration groupSnapshotInterval() {
    return groupSnapshotInterval;
  }

  /** @return how often the job compares the topics' ids with the ones it backs up */
  public Duration topicCheckInterval() {
    return topicCheckInterval;
  }

  /** @return how often a continuous backup looks for new partitions and newly matching topics */
  public Duration discoveryInterval() {
    return discoveryInterval;
  }

  /** @return what the job does when a partition's backup has to stop */
  public PartitionErrorPolicy onPartitionError() {
    return onPartitionError;
  }

  /** @return which ACLs (and whether client quotas) the backup keeps beside the records */
  public SecurityScope securityScope() {
    return securityScope;
  }

  /** @return how often the commit logs checkpoint, and how much history the backup keeps */
  public LogPolicy logPolicy() {
    return logPolicy;
  }

  /** @return the Kafka client properties passed through to every client */
  public Map<String, Object> kafka() {
    return kafka;
  }

  /** @return whether lag and recovery point are published per partition (else per topic) */
  public boolean perPartitionMetrics() {
    return perPartitionMetrics;
  }

  /** @return the Micrometer registry (a {@code MeterRegistry}), or null for no metrics */
  Object meterRegistry() {
    return meterRegistry;
  }

  /**
   * The key-encryption key service, when encryption is configured: new segments are encrypted under a fresh data key each, wrapped by it.
   *
   * @return the service, or empty
   */
  public Optional<KeyWrapper> keyWrapper() {
    return Optional.ofNullable(keyWrapper);
  }

  /** Builds {@link BackupOptions}. */
  public static final class Builder {
    private final String backupId;
    private final TopicSelection topics;
    private BackupMode mode = BackupMode.SNAPSHOT;
    private Codec codec = Codec.ZSTD;
    private int compressionLevel = Codec.DEFAULT_ZSTD_LEVEL;
    private int blockBytes = SegmentWriter.DEFAULT_BLOCK_BYTES;
    private long segmentMaxBytes = 64L * 1024 * 1024;
    private long segmentMaxRecords = Long.MAX_VALUE;
    private Duration segmentMaxAge = Duration.ofMinutes(5);
    private int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private String groupId;
    private Duration pollTimeout = Duration.ofMillis(500);
    private Duration groupSnapshotInterval = Duration.ofMinutes(5);
    private Duration topicCheckInterval = Duration.ofSeconds(5);
    private Duration discoveryInterval = Duration.ofMinutes(1);
    private PartitionErrorPolicy onPartitionError = PartitionErrorPolicy.FAIL;
    private LogPolicy logPolicy = LogPolicy.KEEP_ALL;
    private SecurityScope securityScope = SecurityScope.TOPICS;
    private boolean perPartitionMetrics;
    private final Map<String, Object> kafka = new TreeMap<>();
    private Object meterRegistry;
    private KeyWrapper keyWrapper;

    private Builder(String backupId, TopicSelection topics) {
      this.backupId = backupId;
      this.topics = topics;
    }

    /**
     * Sets snapshot or continuous mode (default snapshot).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(BackupMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the block compression (default zstd) and its level (zstd only; default 3).
     *
     * @param codec the codec
     * @param level the zstd level
     * @return this builder
     */
    public Builder compression(Codec codec, int level) {
      this.codec = Objects.requireNonNull(codec, "codec");
      this.compressionLevel = level;
      return this;
    }

    /**
     * Sets the uncompressed block size (default 1 MiB).
     *
     * @param bytes the size
     * @return this builder
     */
    public Builder blockBytes(int bytes) {
      this.blockBytes = (int) positive("block bytes", bytes);
      return this;
    }

    /**
     * Sets when a segment is closed and committed: whichever limit is reached first (defaults 64 MiB,
     * no record limit, 5 minutes).
     *
     * @param maxBytes the size limit
     * @param maxRecords the record count limit
     * @param maxAge the age limit
     * @return this builder
     */
    public Builder segmentLimits(long maxBytes, long maxRecords, Duration maxAge) {
      this.segmentMaxBytes = positive("segment max bytes", maxBytes);
      this.segmentMaxRecords = positive("segment max records", maxRecords);
      this.segmentMaxAge = Objects.requireNonNull(maxAge, "maxAge");
      return this;
    }

    /**
     * Sets how many consumers (threads) share the partitions (default: the cores, at most 4).
     *
     * @param workers the count
     * @return this builder
     */
    public Builder workers(int workers) {
      this.workers = (int) positive("workers", workers);
      return this;
    }

    /**
     * Scales out: instances with the same group id share the partitions through the Kafka group
     * coordinator. Without it, one instance takes every partition.
     *
     * @param groupId the consumer group, or null
     * @return this builder
     */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /**
     * Sets how long one poll waits (default 500 ms).
     *
     * @param timeout the poll timeout
     * @return this builder
     */
    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how often a continuous backup snapshots consumer-group offsets (default 5 minutes).
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder groupSnapshotInterval(Duration interval) {
      this.groupSnapshotInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Sets which ACLs the backup keeps beside the records (default: those on the backed-up topics and on
     * the groups that read them), and whether client quotas are kept (all, unless {@link SecurityScope#NONE}).
     *
     * @param scope none, topics or cluster
     * @return this builder
     */
    public Builder securityScope(SecurityScope scope) {
      this.securityScope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets how often each partition's commit log checkpoints and how much history the backup keeps
     * (default: every 50 commits, everything).
     *
     * @param policy checkpoints and retention
     * @return this builder
     */
    public Builder logPolicy(LogPolicy policy) {
      this.logPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how often the job compares each topic's id with the one its backup continues (default 5 s).
     * A commit always checks first, so this bounds how long a deleted topic goes unnoticed while
     * nothing is committed, and how much of a deleted topic's last uncommitted records can be kept.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder topicCheckInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      positive("topic-check-interval", interval.toMillis());
      this.topicCheckInterval = interval;
      return this;
    }

    /**
     * Sets how often a continuous backup looks for partitions added to its topics and for new topics
     * that its selection matches (default 1 minute); both are backed up from their first offset.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder discoveryInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      positive("partition-discovery-interval", interval.toMillis());
      this.discoveryInterval = interval;
      return this;
    }

    /**
     * Sets what the job does when a partition's backup has to stop (default {@link PartitionErrorPolicy#FAIL}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder onPartitionError(PartitionErrorPolicy policy) {
      this.onPartitionError = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds Kafka client properties (bootstrap servers, security, client id…), passed to every client.
     *
     * @param properties the properties
     * @return this builder
     */
    public Builder kafka(Map<String, ?> properties) {
      this.kafka.putAll(properties);
      return this;
    }

    /**
     * Publishes the job's metrics (records, bytes, segments, commit latency, lag per partition).
     *
     * @param registry a Micrometer registry (Micrometer is an optional dependency)
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Sets the key-encryption key service (default none: nothing is encrypted). The caller owns and closes it.
     *
     * @param keyWrapper the service, or null
     * @return this builder
     */
    public Builder encryption(KeyWrapper keyWrapper) {
      this.keyWrapper = keyWrapper;
      return this;
    }

    /**
     * Publishes lag and recovery point per partition instead of per topic (default: per topic, so that
     * thousands of partitions stay a handful of series).
     *
     * @param perPartition whether to
     * @return this builder
     */
    public Builder perPartitionMetrics(boolean perPartition) {
      this.perPartitionMetrics = perPartition;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException naming a bad value
     */
    public BackupOptions build() {
      return new BackupOptions(this);
    }

    private static long positive(String what, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(what + " must be > 0: " + value);
      }
      return value;
    }
  }
}
