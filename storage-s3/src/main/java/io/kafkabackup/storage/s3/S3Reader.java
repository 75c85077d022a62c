package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.kit.RangeReadStream;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Streams an S3 object (see {@link RangeReadStream}): a read to the end is one streaming GET, resumed
 * after a break with ranged GETs that carry {@code If-Match} on its etag; a bounded range is read as
 * ranged GETs with read-ahead. Plain ranged GETs only, never {@code ?partNumber=}, which
 * several S3-compatible stores do not serve.
 */
final class S3Reader extends RangeReadStream {
  private final S3Context context;
  private final S3Client s3;
  private final String bucket;
  private final String name;

  S3Reader(S3Context context, ObjectKey key, ByteRange range) {
    super(key, (int) context.settings().transfer().downloadPartSize(),
        context.settings().transfer().downloadConcurrency(), context.pool());
    this.context = context;
    this.s3 = context.s3();
    this.bucket = context.settings().bucket();
    this.name = context.name(key);
    start(range);
  }

  @Override
  protected FirstChunk fetchFirst(long offset, int length, boolean wholeObject) {
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(name)
        .range(rangeHeader(ByteRange.of(offset, length))).build();
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
      GetObjectResponse response = in.response();
      // Size the buffer by what this answer carries, so small objects cost no chunk-sized allocation.
      long announced = response.contentLength() != null ? response.contentLength() : length;
      byte[] buffer = new byte[(int) Math.min(length, announced)];
      int n = readFully(in, buffer);
      return new FirstChunk(buffer, n, totalSize(response, n), response.eTag());
    } catch (S3Exception e) {
      if (e.statusCode() == 416 && wholeObject) {
        return new FirstChunk(new byte[0], 0, 0, null); // every range of an empty object is unsatisfiable
      }
      throw context.translate(e, "get", key(), null);
    } catch (IOException | RuntimeException e) {
      throw context.translate(e, "get", key(), null);
    }
  }

  /** One GET streams a read to the end: on S3 stores one long response is cheaper than many ranged ones. */
  @Override
  protected OpenBody openBody(long offset, boolean wholeObject) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(name);
    if (offset > 0) {
      request.range(rangeHeader(ByteRange.from(offset)));
    }
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(request.build());
      GetObjectResponse response = in.response();
      long size = response.contentRange() != null ? totalSize(response, 0) : offset + response.contentLength();
      return new OpenBody(in, size, response.eTag());
    } catch (RuntimeException e) {
      throw context.translate(e, "get", key(), null);
    }
  }

  @Override
  protected int fetch(long offset, byte[] into, String version) {
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(name).ifMatch(version)
        .range(rangeHeader(ByteRange.of(offset, into.length))).build();
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
      return readFully(in, into);
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        throw new PreconditionFailedException("'" + key() + "' was replaced while it was being read",
            context.translate(e, "get", key(), null));
      }
      throw context.translate(e, "get", key(), null);
    } catch (IOException | RuntimeException e) {
      StorageException translated = context.translate(e, "get", key(), null);
      throw translated;
    }
  }

  private static int readFully(InputStream in, byte[] buffer) throws IOException {
    int n = in.readNBytes(buffer, 0, buffer.length);
    if (in.read() >= 0) {
      throw new IOException("the service sent more bytes than the requested range");
    }
    return n;
  }

  private static long totalSize(GetObjectResponse response, long received) {
    return objectSize(response.contentRange(), response.contentLength(), received);
  }

  /** The HTTP {@code Range} header of a range: {@code bytes=0-99}, or {@code bytes=100-} when open-ended. */
  static String rangeHeader(ByteRange range) {
    return range.isOpenEnded() ? "bytes=" + range.offset() + "-" : "bytes=" + range.offset() + "-" + range.lastOffset();
  }
}
