package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.PartUploadWriter;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Writes one S3 object: a small one with one PutObject, a large or unknown-length one as a multipart
 * upload whose parts go up in parallel and are joined by one CompleteMultipartUpload, so the object
 * appears atomically or not at all. Create-only and if-match are sent as {@code If-None-Match: *} and
 * {@code If-Match} on that final request. Every request body carries a checksum the store verifies: a
 * Content-MD5 or an {@code x-amz-checksum-crc32c} computed here (the part checksums are repeated in the
 * completion, as S3 requires), or the SDK's own. A failed or abandoned upload is aborted, so no parts are
 * left behind.
 */
final class S3Writer extends PartUploadWriter {
  /** S3's limits: 10,000 parts of at most 5 GiB. */
  static final PartLimits LIMITS = new PartLimits(10_000, 5L * 1024 * 1024 * 1024);
  private static final Logger LOG = LoggerFactory.getLogger(S3Writer.class);

  private final S3Context context;
  private final S3Client s3;
  private final String bucket;
  private final String name;
  private final PutOptions options;
  private final S3Settings.Checksum checksum;
  private final AtomicReferenceArray<String> partEtags = new AtomicReferenceArray<>(LIMITS.maxParts());
  private final AtomicReferenceArray<String> partChecksums = new AtomicReferenceArray<>(LIMITS.maxParts());
  private volatile String uploadId;

  S3Writer(S3Context context, ObjectKey key, PutOptions options, long expectedLength) {
    super(key, context.settings().transfer().upload(), LIMITS, expectedLength, context.pool());
    this.context = context;
    this.s3 = context.s3();
    this.bucket = context.settings().bucket();
    this.name = context.name(key);
    this.options = options;
    this.checksum = context.settings().checksum();
  }

  @Override
  protected ObjectMetadata putWhole(byte[] data, int length) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(name)
        .contentType(options.contentType()).metadata(options.metadata()).contentLength((long) length);
    if (checksum == S3Settings.Checksum.MD5) {
      request.contentMD5(md5(data, length));
    } else if (checksum == S3Settings.Checksum.CRC32C) {
      request.checksumCRC32C(crc32c(data, length));
    }
    WriteMode mode = options.mode();
    if (mode instanceof WriteMode.CreateOnly) {
      request.ifNoneMatch("*");
    } else if (mode instanceof WriteMode.IfMatch) {
      request.ifMatch(((WriteMode.IfMatch) mode).etag());
    }
    PutObjectResponse response = s3.putObject(request.build(), body(data, length, options.contentType()));
    return metadata(response.eTag(), length, response.sdkHttpResponse());
  }

  @Override
  protected void startParts() {
    CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(bucket).key(name)
        .contentType(options.contentType()).metadata(options.metadata());
    if (checksum == S3Settings.Checksum.CRC32C) {
      request.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
    }
    uploadId = s3.createMultipartUpload(request.build()).uploadId();
  }

  @Override
  protected void uploadPart(int index, byte[] data, int length) {
    UploadPartRequest.Builder request = UploadPartRequest.builder().bucket(bucket).key(name).uploadId(uploadId)
        .partNumber(index + 1).contentLength((long) length);
    if (checksum == S3Settings.Checksum.MD5) {
      request.contentMD5(md5(data, length));
    } else if (checksum == S3Settings.Checksum.CRC32C) {
      String crc = crc32c(data, length);
      partChecksums.set(index, crc);
      request.checksumCRC32C(crc);
    }
    partEtags.set(index, s3.uploadPart(request.build(), body(data, length, PutOptions.DEFAULT_CONTENT_TYPE)).eTag());
  }

  @Override
  protected ObjectMetadata completeParts(int partCount, long size) {
    List<CompletedPart> parts = new ArrayList<>(partCount);
    for (int i = 0; i < partCount; i++) {
      parts.add(CompletedPart.builder().partNumber(i + 1).eTag(partEtags.get(i)).checksumCRC32C(partChecksums.get(i))
          .build());
    }
    CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder().bucket(bucket).key(name)
        .uploadId(uploadId).multipartUpload(u -> u.parts(parts));
    WriteMode mode = options.mode();
    if (mode instanceof WriteMode.CreateOnly) {
      request.ifNoneMatch("*");
    } else if (mode instanceof WriteMode.IfMatch) {
      request.ifMatch(((WriteMode.IfMatch) mode).etag());
    }
    CompleteMultipartUploadResponse response = s3.completeMultipartUpload(request.build());
    return metadata(response.eTag(), size, response.sdkHttpResponse());
  }

  @Override
  protected void abortParts() {
    if (uploadId == null) {
      return;
    }
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId));
    } catch (RuntimeException e) {
      LOG.warn("could not abort multipart upload of '{}'; a bucket lifecycle rule for incomplete uploads will "
          + "remove its parts: {}", key(), e.toString());
    }
  }

  @Override
  protected StorageException translate(Throwable failure) {
    return context.translate(failure, "put", key(), options.mode());
  }

  /** The server's response time stands in for Last-Modified, which write responses do not carry. */
  private ObjectMetadata metadata(String etag, long size, SdkHttpResponse http) {
    Instant modified = http.firstMatchingHeader("Date")
        .map(d -> ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
        .orElseGet(Instant::now);
    return new ObjectMetadata(key(), size, etag, modified, options.contentType(), options.metadata());
  }

  /** A replayable body over the buffer, without copying it: the buffer stays untouched until the call returns. */
  private static RequestBody body(byte[] data, int length, String contentType) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, contentType);
  }

  /** The base64 of the big-endian CRC32C, as {@code x-amz-checksum-crc32c} carries it. */
  static String crc32c(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    int value = (int) crc.getValue();
    return Base64.getEncoder().encodeToString(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
        (byte) (value >>> 8), (byte) value});
  }

  static String md5(byte[] data, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      digest.update(data, 0, length);
      return Base64.getEncoder().encodeToString(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
