package io.kafkabackup.storage.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Retries 408, 429, 5xx (but 501 and 505) and network failures with exponential backoff and jitter,
 * waiting at least what the service asks for in {@code Retry-After}, {@code retry-after-ms} or
 * {@code x-ms-retry-after-ms}. The storage SDK's own retry policy ignores those headers, so it is set to
 * a single try and this one runs instead, before signing, so each attempt is signed afresh.
 */
final class ServiceRetryPolicy implements HttpPipelinePolicy {
  private final RetryPolicy delegate;

  ServiceRetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay) {
    this.delegate = new RetryPolicy(new RetryOptions(new ExponentialBackoffOptions()
        .setMaxRetries(maxRetries).setBaseDelay(initialDelay).setMaxDelay(maxDelay)));
  }

  @Override
  public HttpPipelinePosition getPipelinePosition() {
    return HttpPipelinePosition.PER_CALL;
  }

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return delegate.process(context, next);
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    return delegate.processSync(context, next);
  }
}
