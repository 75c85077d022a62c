package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.spi.RequestRecorder;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Observes every HTTP attempt the S3 client makes: logs it as a structured SLF4J event on
 * {@code io.kafkabackup.storage.s3.requests} (operation, key path, status, duration, attempt, request
 * ids) and counts it in {@code storage.s3.requests} when metrics are on. Only the URL path is logged,
 * never headers but the request ids.
 */
final class S3RequestObserver implements ExecutionInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("io.kafkabackup.storage.s3.requests");
  private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("kbs.start");
  private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("kbs.attempt");

  private final RequestRecorder metrics;

  S3RequestObserver(RequestRecorder metrics) {
    this.metrics = metrics;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    attributes.putAttribute(START, System.nanoTime());
    Integer attempt = attributes.getAttribute(ATTEMPT);
    attributes.putAttribute(ATTEMPT, attempt == null ? 1 : attempt + 1);
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    record(context.httpRequest().encodedPath(), Optional.of(context.httpResponse()), null, attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    // Failures with a response were recorded after transmission; this catches those that never got one.
    if (context.httpResponse().isEmpty() && attributes.getAttribute(START) != null) {
      String path = context.httpRequest().map(r -> r.encodedPath()).orElse("");
      record(path, Optional.empty(), context.exception(), attributes);
    }
  }

  private void record(String path, Optional<SdkHttpResponse> response, Throwable error, ExecutionAttributes attributes) {
    Long start = attributes.getAttribute(START);
    Duration duration = Duration.ofNanos(start == null ? 0 : System.nanoTime() - start);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String status = response.map(r -> String.valueOf(r.statusCode())).orElse("io_error");
    if (metrics != null) {
      metrics.record(operation, status, duration);
    }
    int code = response.map(SdkHttpResponse::statusCode).orElse(0);
    boolean fault = code == 0 || code == 401 || code == 403 || code == 429 || code >= 500;
    if (fault ? !LOG.isWarnEnabled() : !LOG.isDebugEnabled()) {
      return;
    }
    LoggingEventBuilder event = (fault ? LOG.atWarn() : LOG.atDebug())
        .addKeyValue("operation", operation)
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", duration.toMillis())
        .addKeyValue("attempt", attributes.getAttribute(ATTEMPT))
        .addKeyValue("request_id", response.flatMap(r -> r.firstMatchingHeader("x-amz-request-id")).orElse(null))
        .addKeyValue("extended_request_id", response.flatMap(r -> r.firstMatchingHeader("x-amz-id-2")).orElse(null));
    if (error != null) {
      event = event.addKeyValue("error", error.getClass().getSimpleName() + ": " + error.getMessage());
    }
    event.log("s3 {} {} {}", operation, path, status);
  }
}
