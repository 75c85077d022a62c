package io.kafkabackup.backup.format;

/**
 * What a finished segment holds: written into its footer, and copied into the commit that makes it
 * part of a backup.
 *
 * @param codec how its blocks are compressed
 * @param firstOffset the offset of its first record ({@code -1} when empty)
 * @param lastOffset the offset of its last record ({@code -1} when empty)
 * @param recordCount how many records it holds
 * @param minTimestamp the smallest record timestamp ({@code -1} when empty)
 * @param maxTimestamp the largest record timestamp ({@code -1} when empty)
 * @param uncompressedBytes the size of its encoded records before compression
 * @param storedBytes the size of the segment object
 * @param blockCount how many blocks it has
 * @param sha256 the lowercase hex SHA-256 of the whole object
 * @param encrypted whether its blocks are encrypted under a data key (format version 2)
 */
public record SegmentSummary(
    Codec codec, long firstOffset, long lastOffset, long recordCount, long minTimestamp, long maxTimestamp,
    long uncompressedBytes, long storedBytes, int blockCount, String sha256, boolean encrypted) {
}
