package io.kafkabackup.storage.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a running S3 API (see {@link S3ProxyServer}), started before its first test and
 * stopped after its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final S3ProxyExtension S3 = new S3ProxyExtension();
 * }</pre>
 *
 * <p>Test methods and constructors may take an {@link S3Endpoint} parameter.
 */
public class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private S3ProxyServer server;

  /** Creates the extension. */
  public S3ProxyExtension() {
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = S3ProxyServer.start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /**
   * How to reach the running server.
   *
   * @return the endpoint
   * @throws IllegalStateException outside the test class's lifetime
   */
  public S3Endpoint endpoint() {
    if (server == null) {
      throw new IllegalStateException("S3Proxy is not running: register the extension in a static field");
    }
    return server.endpoint();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == S3Endpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return endpoint();
  }
}
