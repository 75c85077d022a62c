package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What an S3 backend shares with its readers and writers: its settings, the client, the transfer pool
 * and the error mapping.
 *
 * @param settings the backend's settings
 * @param s3 the client
 * @param pool where parts and read-ahead GETs run
 */
record S3Context(S3Settings settings, S3Client s3, ExecutorService pool) {

  /** The object name of a key: the key under the backend's prefix. */
  String name(ObjectKey key) {
    return settings.prefix().apply(key);
  }

  StorageException translate(Throwable e, String operation, Object target, WriteMode mode) {
    return S3Errors.translate(e, operation, String.valueOf(target), settings.bucket(), mode);
  }
}
