package io.kafkabackup.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.models.BlobDownloadAsyncResponse;
import com.azure.storage.blob.models.BlobDownloadHeaders;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.specialized.BlobClientBase;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.kit.RangeReadStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Streams a blob (see {@link RangeReadStream}): a read to the end is one streaming GET through the async
 * client, other ranges are ranged GETs with read-ahead. Every GET after the first carries
 * {@code If-Match} on the first one's etag. A ranged GET whose body breaks is resumed by the SDK from the
 * last byte received; a streaming GET that breaks is continued by {@link RangeReadStream} with ranged,
 * conditional GETs from the byte the reader reached.
 */
final class AzureReader extends RangeReadStream {
  /** The streaming GET is resumed by {@link RangeReadStream}, when the reader reaches the break. */
  private static final DownloadRetryOptions NO_RESUME = new DownloadRetryOptions().setMaxRetryRequests(0);

  private final AzureContext context;
  /** A broken ranged GET is resumed as often as storage.azure.max-retries allows any request to be retried. */
  private final DownloadRetryOptions resume;
  private final BlobClientBase blob;
  private final BlobAsyncClient asyncBlob;

  /**
   * Opens the stream, fetching the first chunk at once so that a missing blob or a bad range fails here.
   *
   * @param range the bytes to read, or {@code null} for the whole blob
   */
  AzureReader(AzureContext context, ObjectKey key, ByteRange range) {
    super(key, (int) context.settings().transfer().downloadPartSize(),
        context.settings().transfer().downloadConcurrency(), context.pool());
    this.context = context;
    this.resume = new DownloadRetryOptions().setMaxRetryRequests(context.settings().transfer().maxRetries());
    this.blob = context.blob(key);
    this.asyncBlob = context.asyncBlob(key);
    start(range);
  }

  @Override
  protected OpenBody openBody(long offset, boolean wholeObject) {
    BlobDownloadAsyncResponse response;
    try {
      // No range header for a whole blob: an empty blob is then an empty body, not an unsatisfiable range.
      response = asyncBlob.downloadStreamWithResponse(offset == 0 ? null : new BlobRange(offset), NO_RESUME, null,
          false).block();
    } catch (RuntimeException e) {
      throw context.translate(e, "get", key());
    }
    BlobDownloadHeaders headers = response.getDeserializedHeaders();
    return new OpenBody(new ResponseBodyStream(response.getValue()), totalSize(headers, 0), headers.getETag());
  }

  @Override
  protected FirstChunk fetchFirst(long offset, int length, boolean wholeObject) {
    // The blob's size is unknown until this answer: start small and grow, so small blobs cost no
    // chunk-sized allocation.
    Sink sink = new Sink(new byte[Math.min(length, 64 * 1024)], length);
    BlobDownloadResponse response;
    try {
      response = blob.downloadStreamWithResponse(sink, new BlobRange(offset, (long) length), resume, null, false,
          null, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 416 && wholeObject) {
        return new FirstChunk(new byte[0], 0, 0, null); // every range of an empty blob is unsatisfiable
      }
      throw context.translate(e, "get", key());
    } catch (RuntimeException e) {
      throw context.translate(e, "get", key());
    }
    return new FirstChunk(sink.buffer, sink.length, totalSize(response.getDeserializedHeaders(), sink.length),
        response.getDeserializedHeaders().getETag());
  }

  @Override
  protected int fetch(long offset, byte[] into, String version) {
    Sink sink = new Sink(into, into.length);
    try {
      blob.downloadStreamWithResponse(sink, new BlobRange(offset, (long) into.length), resume,
          new BlobRequestConditions().setIfMatch(version), false, null, Context.NONE);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 412) {
        throw new PreconditionFailedException("'" + key() + "' was replaced while it was being read",
            context.translate(e, "get", key()));
      }
      throw context.translate(e, "get", key());
    } catch (RuntimeException e) {
      throw context.translate(e, "get", key());
    }
    return sink.length;
  }

  private static long totalSize(BlobDownloadHeaders headers, long received) {
    return objectSize(headers.getContentRange(), headers.getContentLength(), received);
  }

  /** Receives one GET's body into a buffer that grows up to the requested length. */
  private static final class Sink extends OutputStream {
    final int limit;
    byte[] buffer;
    int length;

    Sink(byte[] buffer, int limit) {
      this.buffer = buffer;
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (length + len > limit) {
        throw new IOException("the service sent more bytes than the requested range");
      }
      if (length + len > buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(length + len, 2L * buffer.length)));
      }
      System.arraycopy(b, off, buffer, length, len);
      length += len;
    }
  }
}
