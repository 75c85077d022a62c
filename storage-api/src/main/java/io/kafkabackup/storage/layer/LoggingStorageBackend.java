package io.kafkabackup.storage.layer;

import io.kafkabackup.storage.StorageBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A layer that logs every call as a structured SLF4J event with the key/value pairs {@code backend},
 * {@code operation}, {@code target}, {@code bytes}, {@code duration_ms} and {@code outcome}: successes
 * and expected outcomes (not found, lost conditional-write races) at DEBUG, faults at WARN. Logger:
 * {@code io.kafkabackup.storage.operations}. Keys are logged; content, credentials and tokens never are.
 */
public class LoggingStorageBackend extends ObservedStorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger("io.kafkabackup.storage.operations");

  /**
   * Wraps a backend.
   *
   * @param delegate the backend every call goes to
   */
  public LoggingStorageBackend(StorageBackend delegate) {
    super(delegate);
  }

  @Override
  protected void record(StorageOperation op) {
    boolean fault = !op.isExpectedOutcome();
    if (fault ? !LOG.isWarnEnabled() : !LOG.isDebugEnabled()) {
      return;
    }
    LoggingEventBuilder event = (fault ? LOG.atWarn() : LOG.atDebug())
        .addKeyValue("backend", op.backend())
        .addKeyValue("operation", op.operation())
        .addKeyValue("target", op.target())
        .addKeyValue("bytes", op.bytes())
        .addKeyValue("duration_ms", op.duration().toMillis())
        .addKeyValue("outcome", op.outcome());
    if (op.error() != null) {
      event = event.addKeyValue("error", op.error().getMessage());
      if (fault) {
        event = event.setCause(op.error());
      }
    }
    event.log("storage {} {} {}", op.operation(), op.target(), op.outcome());
  }
}
