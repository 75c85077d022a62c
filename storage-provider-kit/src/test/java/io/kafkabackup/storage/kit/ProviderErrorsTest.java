package io.kafkabackup.storage.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.AuthenticationException;
import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.StorageTimeoutException;
import io.kafkabackup.storage.ThrottledException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.ProviderErrors.ClientFailure;
import io.kafkabackup.storage.kit.ProviderErrors.Container;
import io.kafkabackup.storage.kit.ProviderErrors.Meaning;
import io.kafkabackup.storage.kit.ProviderErrors.ServiceFailure;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one status-to-exception mapping every HTTP provider shares. */
class ProviderErrorsTest {
  private static final Container BUCKET = new Container("storage.x.bucket", "bucket 'b' does not exist");
  private static final RuntimeException SDK = new RuntimeException("https://h/k?sig=abc&X-Amz-Signature=def");

  private static StorageException service(int status, Meaning meaning, WriteMode mode) {
    return ProviderErrors.forService("put 'k'", new ServiceFailure(status, meaning, "HTTP " + status + " (request id r1)",
        Duration.ofSeconds(2)), SDK, mode, BUCKET);
  }

  @Test
  void statusesMapToTheSameTypedErrorsWhateverTheProvider() {
    assertInstanceOf(ObjectNotFoundException.class, service(404, Meaning.NONE, null));
    assertInstanceOf(PreconditionFailedException.class, service(412, Meaning.NONE, null));
    assertInstanceOf(InvalidRangeException.class, service(416, Meaning.NONE, null));
    assertInstanceOf(AuthenticationException.class, service(401, Meaning.NONE, null));
    assertInstanceOf(PermissionDeniedException.class, service(403, Meaning.NONE, null));
    assertInstanceOf(AuthenticationException.class, service(403, Meaning.BAD_CREDENTIALS, null));
    assertInstanceOf(AuthenticationException.class, service(400, Meaning.BAD_CREDENTIALS, null));
    ThrottledException throttled = assertInstanceOf(ThrottledException.class, service(503, Meaning.NONE, null));
    assertEquals(Duration.ofSeconds(2), throttled.retryAfter().orElseThrow());
    assertInstanceOf(ThrottledException.class, service(429, Meaning.NONE, null));
    assertTrue(service(408, Meaning.NONE, null).isRetryable(), "408 is a timeout: retryable for every provider");
    assertTrue(service(500, Meaning.NONE, null).isRetryable());
    assertFalse(service(400, Meaning.NONE, null).isRetryable());
    assertFalse(service(409, Meaning.NONE, null).isRetryable());
  }

  @Test
  void conditionalWritesReadTheirFailuresByMode() {
    assertInstanceOf(ObjectAlreadyExistsException.class, service(412, Meaning.NONE, WriteMode.createOnly()));
    assertInstanceOf(ObjectAlreadyExistsException.class,
        service(409, Meaning.CONDITION_CONFLICT, WriteMode.createOnly()));
    assertInstanceOf(ObjectAlreadyExistsException.class, service(409, Meaning.ALREADY_EXISTS, null));
    assertInstanceOf(PreconditionFailedException.class, service(404, Meaning.NONE, WriteMode.ifMatch("e1")));
    assertInstanceOf(PreconditionFailedException.class,
        service(409, Meaning.CONDITION_CONFLICT, WriteMode.ifMatch("e1")));
  }

  @Test
  void aMissingContainerNamesItsConfigurationKey() {
    InvalidConfigurationException e = assertInstanceOf(InvalidConfigurationException.class,
        service(404, Meaning.CONTAINER_NOT_FOUND, null));
    assertEquals("storage.x.bucket", e.configKey().orElseThrow());
    assertTrue(e.getMessage().contains("bucket 'b' does not exist") && e.getMessage().contains("request id r1"),
        e.getMessage());
  }

  @Test
  void theSdkExceptionIsNeverAttachedAndSecretsAreRedacted() {
    StorageException e = service(500, Meaning.NONE, null);
    assertNotSame(SDK, e.getCause());
    assertEquals(SDK.getStackTrace().length, e.getCause().getStackTrace().length);
    StorageException network = ProviderErrors.forClient("get 'k'", ClientFailure.NETWORK, new IOException(
        "reset while reading https://a.blob.core.windows.net/c/k?sv=1&sig=SECRET1 with Bearer eyJa.eyJb.c"));
    String text = network.getMessage() + network.getCause().getMessage();
    assertFalse(text.contains("SECRET1") || text.contains("eyJa"), text);
    assertTrue(network.isRetryable());
    assertTrue(ProviderErrors.redact("x?X-Amz-Signature=abc&X-Amz-Security-Token=def").equals(
        "x?X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"));
  }

  @Test
  void clientFailuresAreRetryableOnlyWhenTryingAgainCanHelp() {
    RuntimeException cause = new RuntimeException("boom");
    assertInstanceOf(StorageTimeoutException.class, ProviderErrors.forClient("get 'k'", ClientFailure.TIMEOUT, cause));
    assertTrue(ProviderErrors.forClient("get 'k'", ClientFailure.INTERRUPTED, cause).isRetryable());
    assertInstanceOf(AuthenticationException.class,
        ProviderErrors.forClient("get 'k'", ClientFailure.CREDENTIALS, cause));
    assertFalse(ProviderErrors.forClient("get 'k'", ClientFailure.UNPARSEABLE, cause).isRetryable());
    assertFalse(ProviderErrors.forClient("get 'k'", ClientFailure.CLIENT, cause).isRetryable());
    assertFalse(ProviderErrors.forClient("get 'k'", ClientFailure.OTHER, cause).isRetryable());
  }

  @Test
  void faultsAreTheSameForEveryProvidersRequestLog() {
    for (int status : new int[] {0, 401, 403, 408, 429, 500, 503}) {
      assertTrue(RequestLog.isFault(status), "fault: " + status);
    }
    for (int status : new int[] {200, 201, 206, 304, 404, 409, 412, 416}) {
      assertFalse(RequestLog.isFault(status), "not a fault: " + status);
    }
  }
}
