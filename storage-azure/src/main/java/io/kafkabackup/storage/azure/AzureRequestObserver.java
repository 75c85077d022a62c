package io.kafkabackup.storage.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.kafkabackup.storage.kit.RequestLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Hands every REST call (each attempt, after retries are decided) to the kit's {@link RequestLog},
 * named after the Blob service operation it performs, with the client and service request ids.
 */
final class AzureRequestObserver implements HttpPipelinePolicy {
  private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");
  private static final HttpHeaderName COPY_SOURCE = HttpHeaderName.fromString("x-ms-copy-source");
  private static final String ATTEMPT = "kbs.attempt";

  private final RequestLog log;

  /**
   * Creates the observer.
   *
   * @param log where attempts are logged and recorded
   */
  AzureRequestObserver(RequestLog log) {
    this.log = log;
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
    String bytes = request.getHeaders().getValue(HttpHeaderName.CONTENT_LENGTH);
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("client_request_id", request.getHeaders().getValue(HttpHeaderName.X_MS_CLIENT_REQUEST_ID));
    ids.put("request_id", response == null ? null : response.getHeaderValue(AzureErrors.REQUEST_ID));
    int status = response == null ? 0 : response.getStatusCode();
    log.record(new RequestLog.Attempt(operationOf(request), request.getUrl().getPath(), status,
        Duration.ofNanos(System.nanoTime() - start), attempt, bytes == null ? -1 : Long.parseLong(bytes), ids,
        status >= 400 ? response.getHeaderValue(ERROR_CODE) : null, error));
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
