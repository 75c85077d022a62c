package io.kafkabackup.backup.kafka;

/**
 * A job's health, for liveness and readiness probes.
 *
 * @param live the job runs and has not given up
 * @param ready the job has claimed its partitions and can commit (storage and cluster answer)
 * @param reason why it is not ready or not live, or {@code ok}
 */
public record JobHealth(boolean live, boolean ready, String reason) {
}
