package io.kafkabackup.backup.kafka;

/**
 * How far a job has come with one partition; read by progress displays while the job runs.
 *
 * @param topic the topic
 * @param partition the partition
 * @param committedOffset the position committed to the log (where a restart resumes)
 * @param endOffset the offset a snapshot stops at, or {@code -1} when following
 * @param records records committed by this run
 * @param bytes bytes committed by this run (segments for backups, record payloads for restores)
 * @param done whether this run has finished the partition
 */
public record PartitionProgress(
    String topic, int partition, long committedOffset, long endOffset, long records, long bytes, boolean done) {
}
