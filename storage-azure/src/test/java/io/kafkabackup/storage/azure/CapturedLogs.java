package io.kafkabackup.storage.azure;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of this module's tests: prints INFO and above to standard error like a console
 * logger, and while {@link #captureAll()} is on, records every event of every logger (ours, the Azure
 * SDK's, Netty's) at TRACE, with key/value pairs and full stack traces, so tests can search all of it.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
  private static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
  private static volatile boolean capturing;

  private final ILoggerFactory loggers = CapturingLogger::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** Created by SLF4J's service loader. */
  public CapturedLogs() {
  }

  static void captureAll() {
    EVENTS.clear();
    capturing = true;
  }

  static List<String> stop() {
    capturing = false;
    synchronized (EVENTS) {
      List<String> copy = new ArrayList<>(EVENTS);
      EVENTS.clear();
      return copy;
    }
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
  }

  private static final class CapturingLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;

    CapturingLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return capturing;
    }

    @Override
    public boolean isDebugEnabled() {
      return capturing;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] args, Throwable t) {
      record(level, MessageFormatter.basicArrayFormat(message, args), "", t);
    }

    @Override
    public void log(LoggingEvent event) {
      String keyValues = event.getKeyValuePairs() == null ? "" : event.getKeyValuePairs().stream()
          .map(kv -> kv.key + "=" + kv.value).collect(Collectors.joining(" ", " ", ""));
      Object[] args = event.getArgumentArray();
      record(event.getLevel(), MessageFormatter.basicArrayFormat(event.getMessage(), args), keyValues,
          event.getThrowable());
    }

    private void record(Level level, String message, String keyValues, Throwable t) {
      StringBuilder line = new StringBuilder().append(level).append(' ').append(name).append(" - ").append(message)
          .append(keyValues);
      if (t != null) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        line.append('\n').append(trace);
      }
      if (capturing) {
        EVENTS.add(line.toString());
      }
      if (level.toInt() >= Level.INFO.toInt()) {
        System.err.println(line);
      }
    }
  }
}
