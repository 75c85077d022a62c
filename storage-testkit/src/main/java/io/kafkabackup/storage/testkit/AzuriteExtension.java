package io.kafkabackup.storage.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a running Azurite, started before its first test and stopped after its last:
 *
 * <pre>{@code
 * class MyTest {
 *   @RegisterExtension
 *   static final AzuriteExtension AZURITE = new AzuriteExtension();
 *
 *   @Test
 *   void works(AzuriteEndpoint azurite) { ... }   // or AZURITE.endpoint()
 * }
 * }</pre>
 *
 * <p>Register it in a {@code static} field (or with {@code @ExtendWith}); test methods and constructors
 * may take an {@link AzuriteEndpoint} parameter.
 */
public class AzuriteExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final AzuriteServer.Builder builder;
  private AzuriteServer server;

  /** An in-memory Azurite chosen as {@link AzuriteServer.Builder} chooses by default. */
  public AzuriteExtension() {
    this(AzuriteServer.builder());
  }

  /**
   * An Azurite configured by a builder.
   *
   * @param builder the server options
   */
  public AzuriteExtension(AzuriteServer.Builder builder) {
    this.builder = builder;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = builder.start();
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
  public AzuriteEndpoint endpoint() {
    return server().endpoint();
  }

  /**
   * The running server.
   *
   * @return the server
   * @throws IllegalStateException outside the test class's lifetime
   */
  public AzuriteServer server() {
    if (server == null) {
      throw new IllegalStateException("Azurite is not running: register the extension in a static field");
    }
    return server;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == AzuriteEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return endpoint();
  }
}
