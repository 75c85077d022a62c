package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.spi.RequestRecorder;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one request observer of the HTTP providers: each attempt a provider's SDK hook reports is counted
 * in the {@link RequestRecorder} (timer {@code storage.<provider>.requests}, tags {@code operation} and
 * {@code status}) and logged as a structured SLF4J event on {@code io.kafkabackup.storage.<provider>.requests}
 * with the same fields for every provider: {@code operation}, {@code path}, {@code status},
 * {@code duration_ms}, {@code attempt}, {@code bytes_sent}, the service's request ids, and on failure
 * {@code error_code} and {@code error}. Faults (no answer, 401, 403, 408, 429, 5xx) are logged at WARN,
 * the rest at DEBUG. Only the URL path is logged, never a query (which may hold a signature) or a header
 * value but the request ids; error texts pass through {@link ProviderErrors#redact(String)}.
 */
public final class RequestLog {
  private final String provider;
  private final Logger log;
  private final RequestRecorder metrics;

  /**
   * One attempt, as the provider's hook saw it.
   *
   * @param operation the service's operation name, such as {@code PutBlock} or {@code UploadPart}
   * @param path the URL path (never the query)
   * @param status the HTTP status, or 0 when no answer came
   * @param duration how long the attempt took
   * @param attempt 1 for the first try, 2 for the first retry, …
   * @param bytesSent the request body's length, or -1 if unknown
   * @param requestIds the request ids by log field name, such as {@code request_id}; values may be
   *     {@code null}
   * @param errorCode the service's error code of a failed answer, or {@code null}
   * @param error what the attempt threw, or {@code null}
   */
  public record Attempt(String operation, String path, int status, Duration duration, int attempt, long bytesSent,
      Map<String, String> requestIds, String errorCode, Throwable error) {
  }

  /**
   * Creates the log of one backend.
   *
   * @param provider the provider's type, such as {@code azure}; names the logger
   * @param metrics where attempts are recorded, or {@code null} for logs only
   */
  public RequestLog(String provider, RequestRecorder metrics) {
    this.provider = provider;
    this.log = LoggerFactory.getLogger("io.kafkabackup.storage." + provider + ".requests");
    this.metrics = metrics;
  }

  /**
   * Whether an answer's status is a fault worth a warning: no answer, refused credentials or
   * permissions, a timeout, throttling or a server error.
   *
   * @param status the HTTP status, or 0 when no answer came
   * @return {@code true} for 0, 401, 403, 408, 429 and 5xx
   */
  public static boolean isFault(int status) {
    return status == 0 || status == 401 || status == 403 || status == 429 || ProviderErrors.isServerFault(status);
  }

  /**
   * Records one attempt.
   *
   * @param a the attempt
   */
  public void record(Attempt a) {
    String status = a.status() == 0 ? "io_error" : String.valueOf(a.status());
    if (metrics != null) {
      metrics.record(a.operation(), status, a.duration());
    }
    boolean fault = isFault(a.status());
    if (fault ? !log.isWarnEnabled() : !log.isDebugEnabled()) {
      return;
    }
    LoggingEventBuilder event = (fault ? log.atWarn() : log.atDebug())
        .addKeyValue("operation", a.operation())
        .addKeyValue("path", a.path())
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", a.duration().toMillis())
        .addKeyValue("attempt", a.attempt())
        .addKeyValue("bytes_sent", Math.max(a.bytesSent(), 0));
    for (Map.Entry<String, String> id : a.requestIds().entrySet()) {
      event = event.addKeyValue(id.getKey(), id.getValue());
    }
    if (a.errorCode() != null) {
      event = event.addKeyValue("error_code", a.errorCode());
    }
    if (a.error() != null) {
      event = event.addKeyValue("error",
          ProviderErrors.redact(a.error().getClass().getSimpleName() + ": " + a.error().getMessage()));
    }
    event.log(provider + " {} {} {}", a.operation(), a.path(), status);
  }
}
