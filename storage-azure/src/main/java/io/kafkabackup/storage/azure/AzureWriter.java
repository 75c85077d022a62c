package io.kafkabackup.storage.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.PartUploadWriter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes one block blob: parts are staged blocks (Put Block, each with its Content-MD5), committed by one
 * Put Block List that carries the write mode's condition, so the blob appears atomically or not at all;
 * a small object is one Put Blob. Block ids are a random per-writer upload id plus the block's index,
 * all of one length as Azure requires, so a retried or concurrent upload of the same key can never
 * commit another upload's blocks. Uncommitted blocks of an abandoned upload are discarded by the service
 * (after a week at the latest).
 */
final class AzureWriter extends PartUploadWriter {
  /** Azure's limits: 50,000 committed blocks of at most 4000 MiB (service versions since 2019-12-12). */
  static final PartLimits LIMITS = new PartLimits(50_000, 4000L * 1024 * 1024);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AzureContext context;
  private final BlockBlobClient blob;
  private final PutOptions options;
  private final byte[] uploadId = new byte[12];

  AzureWriter(AzureContext context, ObjectKey key, PutOptions options, long expectedLength) {
    super(key, context.settings().transfer().upload(), LIMITS, expectedLength, context.pool());
    this.context = context;
    this.blob = context.blob(key).getBlockBlobClient();
    this.options = options;
    RANDOM.nextBytes(uploadId);
  }

  @Override
  protected ObjectMetadata putWhole(byte[] data, int length) {
    BlockBlobItem item = blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(
            BinaryData.fromByteBuffer(ByteBuffer.wrap(data, 0, length)))
        .setHeaders(headers()).setMetadata(options.metadata()).setContentMd5(md5(data, length))
        .setRequestConditions(conditions(options.mode())), null, Context.NONE).getValue();
    return metadata(item, length);
  }

  @Override
  protected void uploadPart(int index, byte[] data, int length) {
    blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId(index),
            BinaryData.fromByteBuffer(ByteBuffer.wrap(data, 0, length))).setContentMd5(md5(data, length)),
        null, Context.NONE);
  }

  @Override
  protected ObjectMetadata completeParts(int partCount, long size) {
    List<String> ids = new ArrayList<>(partCount);
    for (int i = 0; i < partCount; i++) {
      ids.add(blockId(i));
    }
    BlockBlobItem item = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids)
        .setHeaders(headers()).setMetadata(options.metadata()).setRequestConditions(conditions(options.mode())),
        null, Context.NONE).getValue();
    return metadata(item, size);
  }

  @Override
  protected void abortParts() {
    // Azure has no call to drop uncommitted blocks; the service discards them.
  }

  @Override
  protected StorageException translate(Throwable failure) {
    return context.translate(failure, "put", key());
  }

  private BlobHttpHeaders headers() {
    return new BlobHttpHeaders().setContentType(options.contentType());
  }

  private ObjectMetadata metadata(BlockBlobItem item, long size) {
    return new ObjectMetadata(key(), size, item.getETag(), item.getLastModified().toInstant(), options.contentType(),
        options.metadata());
  }

  private String blockId(int index) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(16).put(uploadId).putInt(index).array());
  }

  static BlobRequestConditions conditions(WriteMode mode) {
    if (mode instanceof WriteMode.CreateOnly) {
      return new BlobRequestConditions().setIfNoneMatch("*");
    }
    if (mode instanceof WriteMode.IfMatch) {
      return new BlobRequestConditions().setIfMatch(((WriteMode.IfMatch) mode).etag());
    }
    return null;
  }

  static byte[] md5(byte[] data, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(data, 0, length);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
