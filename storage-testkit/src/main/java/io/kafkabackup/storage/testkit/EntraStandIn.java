package io.kafkabackup.storage.testkit;

/**
 * Azure with Entra ID, without a cloud: a loopback certificate trusted by this JVM, the OAuth 2.0
 * identity stand-in ({@link OidcStandIn}) and an Azurite in OAuth mode over HTTPS that accepts the bearer
 * tokens it issues, with the JVM's {@link LoopbackTls#trusted() loopback certificate}. Start it before the
 * JVM first uses TLS; close it after the last test.
 */
public final class EntraStandIn implements AutoCloseable {
  private final OidcStandIn identity;
  private final AzuriteServer azurite;

  private EntraStandIn(OidcStandIn identity, AzuriteServer azurite) {
    this.identity = identity;
    this.azurite = azurite;
  }

  /**
   * Starts both servers on loopback.
   *
   * @param tenant the tenant id the identity endpoint serves
   * @param clientId the client id it issues tokens to
   * @return the running stand-ins
   * @throws Exception if a server cannot start
   */
  public static EntraStandIn start(String tenant, String clientId) throws Exception {
    LoopbackTls tls = LoopbackTls.trusted();
    OidcStandIn identity = new OidcStandIn(tls.serverContext(), tenant, clientId);
    try {
      return new EntraStandIn(identity, AzuriteServer.builder().mode(AzuriteServer.Mode.NPM)
          .httpsPfx(tls.keyStore(), LoopbackTls.PASSWORD).oauth().start());
    } catch (RuntimeException e) {
      identity.close();
      throw e;
    }
  }

  /**
   * The identity endpoint.
   *
   * @return the OAuth stand-in
   */
  public OidcStandIn identity() {
    return identity;
  }

  /**
   * The storage endpoint.
   *
   * @return Azurite in OAuth mode over HTTPS
   */
  public AzuriteServer azurite() {
    return azurite;
  }

  @Override
  public void close() {
    azurite.close();
    identity.close();
  }
}
