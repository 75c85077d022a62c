package io.kafkabackup.cache;

import java.time.Instant;

/**
 * One entry as a listing sees it, without reading its metadata.
 *
 * @param key the cache key
 * @param savedAt when its metadata object was written; for an incomplete entry, its newest object
 * @param bytes the length of all its objects
 * @param complete {@code false} for an archive whose save never finished (no metadata object)
 */
public record EntrySummary(String key, Instant savedAt, long bytes, boolean complete) {
}
