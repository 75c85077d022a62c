package io.kafkabackup.backup.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kafkabackup.backup.log.OffsetRange;
import java.util.List;

/**
 * What a backup holds of one partition, from its commit log: one summary per incarnation (a topic
 * deleted and created again under the same name is a new incarnation), oldest first. The offsets and
 * lost ranges it reports of its own are the current incarnation's; its counts, sizes and times add up
 * every incarnation (for a partition that was never created again, both are simply the partition's).
 *
 * @param partition the partition number
 * @param incarnations every incarnation, oldest first; the last is the one a backup continues
 */
public record PartitionSummary(int partition, List<IncarnationSummary> incarnations) {

  /**
   * Copies the list.
   *
   * @param partition the partition number
   * @param incarnations every incarnation, oldest first (at least one)
   */
  public PartitionSummary {
    incarnations = List.copyOf(incarnations);
    if (incarnations.isEmpty()) {
      throw new IllegalArgumentException("partition " + partition + " has no incarnation");
    }
  }

  /**
   * The incarnation a backup continues.
   *
   * @return the newest incarnation
   */
  public IncarnationSummary current() {
    return incarnations.get(incarnations.size() - 1);
  }

  /**
   * The first offset the current incarnation covers.
   *
   * @return the offset ({@code -1} if none)
   */
  @JsonProperty
  public long startOffset() {
    return current().startOffset();
  }

  /**
   * The current incarnation's resume position.
   *
   * @return the offset ({@code -1} if none)
   */
  @JsonProperty
  public long nextOffset() {
    return current().nextOffset();
  }

  /**
   * The current incarnation's lost ranges.
   *
   * @return ranges lost before they could be read
   */
  @JsonProperty
  public List<OffsetRange> skipped() {
    return current().skipped();
  }

  /**
   * Records stored, over every incarnation.
   *
   * @return the sum
   */
  @JsonProperty
  public long records() {
    return incarnations.stream().mapToLong(IncarnationSummary::records).sum();
  }

  /**
   * Offsets with no record, over every incarnation.
   *
   * @return the sum
   */
  @JsonProperty
  public long absentOffsets() {
    return incarnations.stream().mapToLong(IncarnationSummary::absentOffsets).sum();
  }

  /**
   * Segments, over every incarnation.
   *
   * @return the sum
   */
  @JsonProperty
  public long segments() {
    return incarnations.stream().mapToLong(IncarnationSummary::segments).sum();
  }

  /**
   * Bytes stored, over every incarnation.
   *
   * @return the sum
   */
  @JsonProperty
  public long storedBytes() {
    return incarnations.stream().mapToLong(IncarnationSummary::storedBytes).sum();
  }

  /**
   * The smallest record timestamp, over every incarnation.
   *
   * @return the timestamp ({@code -1} if none)
   */
  @JsonProperty
  public long minTimestamp() {
    return incarnations.stream().mapToLong(IncarnationSummary::minTimestamp).filter(t -> t >= 0).min().orElse(-1);
  }

  /**
   * The largest record timestamp, over every incarnation.
   *
   * @return the timestamp ({@code -1} if none)
   */
  @JsonProperty
  public long maxTimestamp() {
    return incarnations.stream().mapToLong(IncarnationSummary::maxTimestamp).max().orElse(-1);
  }
}
