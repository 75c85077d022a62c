package io.kafkabackup.storage.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.kafkabackup.storage.spi.RequestRecorder;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import reactor.core.publisher.Mono;

/**
 * Observes every REST call (each attempt, after retries are decided): logs it as a structured SLF4J
 * event on {@code io.kafkabackup.storage.azure.requests} with the operation, blob path, status, duration,
 * attempt, bytes and both request ids, and counts it in {@code storage.azure.requests} when metrics are
 * on. Only the URL path is logged, never the query (which may hold a SAS) or any header value but the
 * request ids.
 */
final class RestCallObserver implements HttpPipelinePolicy {
  private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");
  private static final HttpHeaderName COPY_SOURCE = HttpHeaderName.fromString("x-ms-copy-source");
  private static final Logger LOG = LoggerFactory.getLogger("io.kafkabackup.storage.azure.requests");
  private static final String ATTEMPT = "kbs.attempt";

  private final RequestRecorder metrics;

  /**
   * Creates the observer.
   *
   * @param metrics where requests are recorded, or {@code null} for logs only
   */
  RestCallObserver(RequestRecorder metrics) {
    this.metrics = metrics;
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    return HttpPipelinePosition.PER_RETRY;
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    if (isBatchSubRequest(context)) {
      return next.process();
    }
    int attempt = nextAttempt(context);
    long start = System.nanoTime();
    return next.process()
        .doOnSuccess(response -> record(context.getHttpRequest(), response, null, attempt, start))
        .doOnError(error -> record(context.getHttpRequest(), null, error, attempt, start));
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    if (isBatchSubRequest(context)) {
      return next.processSync();
    }
    int attempt = nextAttempt(context);
    long start = System.nanoTime();
    try {
      HttpResponse response = next.processSync();
      record(context.getHttpRequest(), response, null, attempt, start);
      return response;
    } catch (RuntimeException | Error e) {
      record(context.getHttpRequest(), null, e, attempt, start);
      throw e;
    }
  }

  /** Blob Batch runs each sub-request through the pipeline only to serialise it; it never goes out. */
  private static boolean isBatchSubRequest(HttpPipelineCallContext context) {
    return context.getData("Batch-Operation-Info").isPresent();
  }

  private static int nextAttempt(HttpPipelineCallContext context) {
    int attempt = context.getData(ATTEMPT).map(o -> (Integer) o).orElse(0) + 1;
    context.setData(ATTEMPT, attempt);
    return attempt;
  }

  private void record(HttpRequest request, HttpResponse response, Throwable error, int attempt, long start) {
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    String operation = operationOf(request);
    String status = response != null ? String.valueOf(response.getStatusCode()) : "io_error";
    if (metrics != null) {
      metrics.record(operation, status, duration);
    }
    int code = response != null ? response.getStatusCode() : 0;
    boolean fault = response == null || code == 401 || code == 403 || code == 408 || code == 429 || code >= 500;
    if (fault ? !LOG.isWarnEnabled() : !LOG.isDebugEnabled()) {
      return;
    }
    String bytes = request.getHeaders().getValue(HttpHeaderName.CONTENT_LENGTH);
    LoggingEventBuilder event = (fault ? LOG.atWarn() : LOG.atDebug())
        .addKeyValue("operation", operation)
        .addKeyValue("blob", request.getUrl().getPath())
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", duration.toMillis())
        .addKeyValue("attempt", attempt)
        .addKeyValue("bytes_sent", bytes == null ? "0" : bytes)
        .addKeyValue("client_request_id", request.getHeaders().getValue(HttpHeaderName.X_MS_CLIENT_REQUEST_ID))
        .addKeyValue("request_id", response == null ? null : response.getHeaderValue(AzureErrors.REQUEST_ID));
    if (response != null && code >= 400) {
      event = event.addKeyValue("error_code", response.getHeaderValue(ERROR_CODE));
    }
    if (error != null) {
      event = event.addKeyValue("error", AzureErrors.redact(error.getClass().getSimpleName() + ": " + error.getMessage()));
    }
    event.log("azure {} {} {}", operation, request.getUrl().getPath(), status);
  }

  /** Names a request after the Blob service REST operation it performs. */
  static String operationOf(HttpRequest request) {
    String query = request.getUrl().getQuery();
    String comp = queryValue(query, "comp");
    String restype = queryValue(query, "restype");
    switch (request.getHttpMethod()) {
      case PUT:
        if ("block".equals(comp)) {
          return "PutBlock";
        } else if ("blocklist".equals(comp)) {
          return "PutBlockList";
        } else if ("container".equals(restype)) {
          return "CreateContainer";
        } else if (request.getHeaders().getValue(COPY_SOURCE) != null) {
          return "CopyBlob";
        }
        return "PutBlob";
      case GET:
        if ("list".equals(comp)) {
          return "ListBlobs";
        } else if ("blocklist".equals(comp)) {
          return "GetBlockList";
        }
        return "GetBlob";
      case HEAD:
        return "container".equals(restype) ? "GetContainerProperties" : "GetBlobProperties";
      case DELETE:
        return "container".equals(restype) ? "DeleteContainer" : "DeleteBlob";
      case POST:
        return "batch".equals(comp) ? "SubmitBatch" : "Post";
      default:
        return request.getHttpMethod().toString();
    }
  }

  private static String queryValue(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }
}
