package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.kit.PartUploadWriter.PartLimits;
import io.kafkabackup.storage.kit.PartUploadWriter.PartTuning;
import io.kafkabackup.storage.spi.ConfigKey;
import io.kafkabackup.storage.spi.ConfigKey.Type;
import io.kafkabackup.storage.spi.StorageConfig;
import java.time.Duration;
import java.util.List;

/**
 * The one declaration of the transfer, retry and timeout keys every object-store provider offers, with
 * one name and one meaning each: a provider declares them with its store's limits and lists
 * {@link #keys()} among its own, so {@code storage.azure.part-size} and {@code storage.s3.part-size} mean
 * the same thing and are documented the same way.
 *
 * <ul>
 *   <li>{@code part-size}, {@code max-concurrency}, {@code single-put-threshold}: uploads;
 *   <li>{@code download-part-size}, {@code download-concurrency}: ranged reads with read-ahead;
 *   <li>{@code max-retries}, {@code retry-initial-delay}, {@code retry-max-delay}: retries of one request;
 *   <li>{@code connect-timeout}: opening a connection; {@code request-timeout}: each wait on the service
 *       within one attempt (for the answer to begin, between reads of a body).
 * </ul>
 */
public final class TransferKeys {
  private static final long MIB = 1024 * 1024;

  private final ConfigKey partSize;
  private final ConfigKey maxConcurrency;
  private final ConfigKey singlePutThreshold;
  private final ConfigKey downloadPartSize;
  private final ConfigKey downloadConcurrency;
  private final ConfigKey maxRetries;
  private final ConfigKey retryInitialDelay;
  private final ConfigKey retryMaxDelay;
  private final ConfigKey connectTimeout;
  private final ConfigKey requestTimeout;

  /**
   * The values read from one configuration.
   *
   * @param upload part size, concurrency and single-put threshold of uploads
   * @param downloadPartSize the size of each ranged GET
   * @param downloadConcurrency ranged GETs in flight per stream
   * @param maxRetries retries per request
   * @param retryInitialDelay the first retry's delay
   * @param retryMaxDelay the longest retry delay
   * @param connectTimeout the limit for opening a connection
   * @param requestTimeout the limit of each wait on the service within an attempt
   */
  public record Transfer(PartTuning upload, long downloadPartSize, int downloadConcurrency, int maxRetries,
      Duration retryInitialDelay, Duration retryMaxDelay, Duration connectTimeout, Duration requestTimeout) {

    /**
     * Threads a backend's transfer pool needs: every upload's and download's parts in flight, twice over.
     *
     * @return the pool size
     */
    public int poolSize() {
      return Math.max(8, 2 * Math.max(upload.maxConcurrency(), downloadConcurrency));
    }
  }

  /**
   * Declares the keys for a store.
   *
   * @param limits the store's part limits (the most parts of one object, the largest part)
   * @param minPartSize the smallest part the store takes (S3 5 MiB; Azure has no minimum, 64 KiB here)
   * @param maxSinglePut the largest object the store takes in one request
   * @param partNoun what the store calls a part in its documentation, such as {@code block}
   */
  public TransferKeys(PartLimits limits, long minPartSize, long maxSinglePut, String partNoun) {
    this.partSize = ConfigKey.builder("part-size", Type.SIZE).defaultValue("8MiB")
        .range(minPartSize, limits.maxPartSize())
        .description("Size of each uploaded part (" + partNoun + "); grows automatically so an object never needs "
            + "more than " + String.format("%,d", limits.maxParts()) + " parts.").build();
    this.maxConcurrency = ConfigKey.builder("max-concurrency", Type.INT).defaultValue("4").range(1, 64)
        .description("Parts uploaded at once per object; memory per upload is part-size x (max-concurrency + 1).")
        .build();
    this.singlePutThreshold = ConfigKey.builder("single-put-threshold", Type.SIZE).defaultValue("8MiB")
        .range(0, maxSinglePut)
        .description("Objects up to this size are written with one request; larger ones in parts.").build();
    this.downloadPartSize = ConfigKey.builder("download-part-size", Type.SIZE).defaultValue("8MiB")
        .range(64 * 1024, 256 * MIB)
        .description("Size of each ranged GET: for reads of a bounded range, and to continue a read to the end "
            + "whose streaming GET broke off.").build();
    this.downloadConcurrency = ConfigKey.builder("download-concurrency", Type.INT).defaultValue("2").range(1, 64)
        .description("Ranged GETs in flight per stream (read-ahead); memory per stream is "
            + "download-part-size x (download-concurrency + 1).").build();
    this.maxRetries = ConfigKey.builder("max-retries", Type.INT).defaultValue("3").range(0, 20)
        .description("Retries of a failed request (408, 429, 5xx, throttling, network errors, timeouts), with "
            + "exponential backoff and jitter.").build();
    this.retryInitialDelay = ConfigKey.builder("retry-initial-delay", Type.DURATION).defaultValue("800ms")
        .range(1, 3_600_000)
        .description("Delay before the first retry; doubled for each further retry.").build();
    this.retryMaxDelay = ConfigKey.builder("retry-max-delay", Type.DURATION).defaultValue("60s")
        .range(1, 3_600_000).description("Longest delay between retries.").build();
    this.connectTimeout = ConfigKey.builder("connect-timeout", Type.DURATION).defaultValue("30s")
        .range(1, 3_600_000).description("Limit for opening a connection.").build();
    this.requestTimeout = ConfigKey.builder("request-timeout", Type.DURATION).defaultValue("5m")
        .range(1, 86_400_000)
        .description("Limit for each wait on the service within one attempt: for the answer to begin, and "
            + "between reads of a body. An attempt that exceeds it is retried like a dropped connection.")
        .build();
  }

  /**
   * The keys, for the provider's {@code configKeys()}.
   *
   * @return the keys in documentation order
   */
  public List<ConfigKey> keys() {
    return List.of(partSize, maxConcurrency, singlePutThreshold, downloadPartSize, downloadConcurrency,
        maxRetries, retryInitialDelay, retryMaxDelay, connectTimeout, requestTimeout);
  }

  /**
   * Reads the values from a validated configuration.
   *
   * @param c the provider's configuration
   * @return the values
   */
  public Transfer read(StorageConfig c) {
    return new Transfer(new PartTuning(c.size(partSize), c.intValue(maxConcurrency), c.size(singlePutThreshold)),
        c.size(downloadPartSize), c.intValue(downloadConcurrency), c.intValue(maxRetries),
        c.duration(retryInitialDelay), c.duration(retryMaxDelay), c.duration(connectTimeout),
        c.duration(requestTimeout));
  }
}
