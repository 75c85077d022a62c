package io.kafkabackup.backup.log;

/**
 * A manifest that retention took out of a partition's history (format 3). The checkpoint that drops it
 * lists it here first; the objects are deleted only once {@link LogPolicy#deleteDelay()} has passed
 * since, so a restore, {@code describe} or {@code verify} that read an earlier checkpoint still finds
 * everything that checkpoint named.
 *
 * @param key the manifest's key
 * @param withContents {@code true}: everything below it goes too (its segments, or its manifests and
 *     theirs); {@code false}: only the manifest itself, whose children are still part of the history
 *     (retention replaced it with them to drop some of them)
 * @param expiredAt when the checkpoint that dropped it was written (ISO-8601)
 */
public record ExpiredManifest(String key, boolean withContents, String expiredAt) {
}
