package io.kafkabackup.storage;

/**
 * What a backend supports beyond the basic contract, so callers can choose a strategy instead of
 * catching {@link UnsupportedStorageOperationException}.
 *
 * @param conditionalWrites whether {@link WriteMode#createOnly()} and {@link WriteMode#ifMatch(String)}
 *     are honoured atomically
 * @param rangedReads whether ranged reads are served without reading the whole object
 * @param userMetadata whether content types and user metadata are stored
 * @param serverSideCopy whether {@link StorageBackend#copy} runs without moving the bytes through
 *     this process
 * @param bulkDeleteBatchSize how many keys one bulk-delete request removes (1 if the backend deletes
 *     one by one)
 * @param maxObjectSize the largest object the backend can store, in bytes
 */
public record Capabilities(
    boolean conditionalWrites, boolean rangedReads, boolean userMetadata, boolean serverSideCopy,
    int bulkDeleteBatchSize, long maxObjectSize) {

  /**
   * Validates the fields.
   *
   * @param conditionalWrites whether conditional writes are atomic
   * @param rangedReads whether ranged reads are native
   * @param userMetadata whether metadata is stored
   * @param serverSideCopy whether copies stay on the server
   * @param bulkDeleteBatchSize keys per bulk-delete request, at least 1
   * @param maxObjectSize the largest object in bytes, at least 1
   */
  public Capabilities {
    if (bulkDeleteBatchSize < 1) {
      throw new IllegalArgumentException("bulkDeleteBatchSize must be >= 1");
    }
    if (maxObjectSize < 1) {
      throw new IllegalArgumentException("maxObjectSize must be >= 1");
    }
  }
}
