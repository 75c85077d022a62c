package io.kafkabackup.storage.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The AWS SDK doing each job: large uploads through the async client's multipart upload (part size and
 * concurrency are the async client's settings), downloads as one plain GET (S3Proxy serves no
 * {@code ?partNumber=} reads, so the SDK's multipart download cannot run), small objects one call each on
 * the sync client, deletes in DeleteObjects requests of 1,000.
 */
final class RawS3Target implements Target {
  private final S3Client sync;
  private final S3AsyncClient async;
  private final String bucket;
  private final ExecutorService streams;

  RawS3Target(S3Client sync, S3AsyncClient async, String bucket, ExecutorService streams) {
    this.sync = sync;
    this.async = async;
    this.bucket = bucket;
    this.streams = streams;
  }

  @Override
  public void upload(String key, InputStream data, long size) {
    async.putObject(b -> b.bucket(bucket).key(key), AsyncRequestBody.fromInputStream(data, size, streams)).join();
  }

  @Override
  public long download(String key) {
    return downloadTo(key, OutputStream.nullOutputStream());
  }

  @Override
  public long downloadTo(String key, OutputStream out) {
    return sync.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toOutputStream(out)).contentLength();
  }

  @Override
  public void put(String key, byte[] data) {
    sync.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
  }

  @Override
  public void stat(String key) {
    sync.headObject(b -> b.bucket(bucket).key(key));
  }

  @Override
  public void get(String key) {
    sync.getObjectAsBytes(b -> b.bucket(bucket).key(key));
  }

  @Override
  public long list(String prefix) {
    return sync.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().count();
  }

  @Override
  public void deleteAll(List<String> keys) {
    for (int i = 0; i < keys.size(); i += 1000) {
      List<ObjectIdentifier> ids = keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).collect(Collectors.toList());
      sync.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
    }
  }
}
