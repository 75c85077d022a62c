package io.kafkabackup.storage;

/**
 * What varies between backends in ways a caller has to know, so it can choose a strategy instead of
 * catching {@link UnsupportedStorageOperationException}. Everything the {@link StorageBackend} contract
 * requires (atomic conditional writes, ranged reads, copies, batched deletes) is not a flag: every
 * backend does it.
 *
 * @param userMetadata whether content types and user metadata are stored and returned ({@code false} for
 *     a filesystem without extended attributes)
 */
public record Capabilities(boolean userMetadata) {
}
