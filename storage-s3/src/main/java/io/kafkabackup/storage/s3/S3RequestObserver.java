package io.kafkabackup.storage.s3;

import io.kafkabackup.storage.kit.RequestLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Hands every HTTP attempt the S3 client makes to the kit's {@link RequestLog}, with the SDK's operation
 * name and both S3 request ids.
 */
final class S3RequestObserver implements ExecutionInterceptor {
  private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("kbs.start");
  private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("kbs.attempt");

  private static final ExecutionAttribute<Long> BYTES_SENT = new ExecutionAttribute<>("kbs.bytesSent");

  private final RequestLog log;

  S3RequestObserver(RequestLog log) {
    this.log = log;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    attributes.putAttribute(START, System.nanoTime());
    Integer attempt = attributes.getAttribute(ATTEMPT);
    attributes.putAttribute(ATTEMPT, attempt == null ? 1 : attempt + 1);
    attributes.putAttribute(BYTES_SENT, context.httpRequest().firstMatchingHeader("Content-Length")
        .map(Long::parseLong).orElse(-1L));
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
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("request_id", response.flatMap(r -> r.firstMatchingHeader("x-amz-request-id")).orElse(null));
    ids.put("extended_request_id", response.flatMap(r -> r.firstMatchingHeader("x-amz-id-2")).orElse(null));
    int status = response.map(SdkHttpResponse::statusCode).orElse(0);
    log.record(new RequestLog.Attempt(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), path, status,
        Duration.ofNanos(start == null ? 0 : System.nanoTime() - start), attributes.getAttribute(ATTEMPT),
        attributes.getAttribute(BYTES_SENT), ids, null, error));
  }
}
