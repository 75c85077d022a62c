package io.kafkabackup.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * An object store: the one interface Kafka backups, restores and caches are written against, whether
 * the bytes live on a filesystem, in S3 or in Azure Blob Storage.
 *
 * <p>Contract, identical for every backend (the {@code storage-tck} module checks it):
 *
 * <ul>
 *   <li>Keys are {@link ObjectKey}s relative to the backend's {@link #prefix()}.
 *   <li>Writes are atomic: an object is either entirely visible or not at all, and a failed write
 *       leaves the previous version in place.
 *   <li>{@link WriteMode#createOnly()} and {@link WriteMode#ifMatch(String)} are checked atomically
 *       with the write.
 *   <li>Listings are sorted by key in code-point order and fetched lazily, page by page.
 *   <li>Deleting a missing key is not an error.
 *   <li>Failures are {@link StorageException}s; a missing object is always
 *       {@link ObjectNotFoundException}.
 * </ul>
 *
 * <p>Implementations are thread-safe. After {@link #close()}, every method throws
 * {@link IllegalStateException}.
 */
public interface StorageBackend extends AutoCloseable {

  /** Passed as the length of a stream whose length is not known in advance. */
  long UNKNOWN_LENGTH = -1;

  /**
   * The provider type, as in the {@code storage.backend} setting.
   *
   * @return for example {@code filesystem}, {@code s3} or {@code azure}
   */
  String type();

  /**
   * The part of the store this backend is confined to.
   *
   * @return the prefix joined to every key
   */
  KeyPrefix prefix();

  /**
   * What this backend supports.
   *
   * @return the capabilities
   */
  Capabilities capabilities();

  /**
   * Writes an object from a stream.
   *
   * @param key where to write
   * @param data the content; read to its end (or to {@code length} bytes) but not closed
   * @param length the exact number of bytes, or {@link #UNKNOWN_LENGTH}; if the stream ends early or has
   *     more bytes, the write fails and nothing is stored
   * @param options the write mode, content type and metadata
   * @return the metadata of the stored object
   * @throws ObjectAlreadyExistsException for a create-only write to a taken key
   * @throws PreconditionFailedException for an if-match write whose etag no longer matches
   */
  ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options);

  /**
   * Writes an object from a byte array.
   *
   * @param key where to write
   * @param data the content
   * @param options the write mode, content type and metadata
   * @return the metadata of the stored object
   */
  default ObjectMetadata put(ObjectKey key, byte[] data, PutOptions options) {
    return put(key, new ByteArrayInputStream(data), data.length, options);
  }

  /**
   * Writes (or replaces) an object from a byte array.
   *
   * @param key where to write
   * @param data the content
   * @return the metadata of the stored object
   */
  default ObjectMetadata put(ObjectKey key, byte[] data) {
    return put(key, data, PutOptions.overwrite());
  }

  /**
   * Opens a stream that writes an object, committed by {@link ObjectWriter#close()}.
   *
   * @param key where to write
   * @param options the write mode, content type and metadata
   * @return the writer
   */
  ObjectWriter openWriter(ObjectKey key, PutOptions options);

  /**
   * Opens a stream over the whole object. Memory use is bounded whatever the object's size.
   *
   * @param key what to read
   * @return the content; the caller closes it
   * @throws ObjectNotFoundException if there is no object at the key
   */
  InputStream openStream(ObjectKey key);

  /**
   * Opens a stream over part of an object.
   *
   * @param key what to read
   * @param range which bytes
   * @return the bytes of the range, cut at the end of the object; the caller closes it
   * @throws ObjectNotFoundException if there is no object at the key
   * @throws InvalidRangeException if the range starts at or beyond the end of the object
   */
  InputStream openStream(ObjectKey key, ByteRange range);

  /**
   * Reads a whole object into memory.
   *
   * @param key what to read
   * @return the content
   * @throws ObjectNotFoundException if there is no object at the key
   */
  default byte[] get(ObjectKey key) {
    try (InputStream in = openStream(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("failed to read '" + key + "': " + e.getMessage(), e, true);
    }
  }

  /**
   * Reads part of an object into memory.
   *
   * @param key what to read
   * @param range which bytes
   * @return the bytes of the range, cut at the end of the object
   * @throws ObjectNotFoundException if there is no object at the key
   * @throws InvalidRangeException if the range starts at or beyond the end of the object
   */
  default byte[] get(ObjectKey key, ByteRange range) {
    try (InputStream in = openStream(key, range)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("failed to read " + range + " of '" + key + "': " + e.getMessage(), e, true);
    }
  }

  /**
   * Reads an object's metadata without its content.
   *
   * @param key what to look up
   * @return the metadata
   * @throws ObjectNotFoundException if there is no object at the key
   */
  ObjectMetadata stat(ObjectKey key);

  /**
   * Tells whether an object exists.
   *
   * @param key what to look up
   * @return {@code true} if an object is stored at the key
   */
  default boolean exists(ObjectKey key) {
    try {
      stat(key);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  /**
   * Lists objects lazily, fetching pages as the stream is consumed. Close the stream (or consume it
   * fully) to release the listing's resources.
   *
   * @param options prefix, delimiter and page size
   * @return entries sorted by name in code-point order
   */
  Stream<ListEntry> list(ListOptions options);

  /**
   * Lists all objects whose keys start with a prefix, without grouping.
   *
   * @param prefix the text keys start with; may be empty
   * @return entries sorted by key
   */
  default Stream<ListEntry> list(String prefix) {
    return list(ListOptions.prefix(prefix));
  }

  /**
   * Deletes an object. Deleting a missing key succeeds.
   *
   * @param key what to delete
   */
  void delete(ObjectKey key);

  /**
   * Deletes many objects, in batches of the store's bulk-delete request where it has one. Missing keys
   * are not errors.
   *
   * @param keys what to delete
   * @throws BulkDeleteException if some keys could not be deleted; it names them, and each failure is
   *     attached
   */
  default void deleteAll(Collection<ObjectKey> keys) {
    List<ObjectKey> failed = new ArrayList<>();
    List<StorageException> errors = new ArrayList<>();
    for (ObjectKey key : keys) {
      try {
        delete(key);
      } catch (StorageException e) {
        failed.add(key);
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      throw new BulkDeleteException(failed, errors);
    }
  }

  /**
   * Copies an object within this backend. The target appears atomically with the source's content,
   * content type and user metadata.
   *
   * @param source the object to copy
   * @param target where to put the copy
   * @param mode what the target key must satisfy
   * @return the metadata of the copy
   * @throws ObjectNotFoundException if the source does not exist
   */
  default ObjectMetadata copy(ObjectKey source, ObjectKey target, WriteMode mode) {
    ObjectMetadata meta = stat(source);
    PutOptions options = PutOptions.builder().mode(mode).contentType(meta.contentType())
        .metadata(meta.userMetadata()).build();
    try (InputStream in = openStream(source)) {
      return put(target, in, meta.size(), options);
    } catch (IOException e) {
      throw new StorageException("failed to copy '" + source + "' to '" + target + "': " + e.getMessage(), e, true);
    }
  }

  /** Releases the backend's clients, threads and connections. Idempotent. */
  @Override
  void close();
}
