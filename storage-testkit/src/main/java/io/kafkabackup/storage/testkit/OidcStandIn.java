package io.kafkabackup.storage.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A local stand-in for Entra ID's OAuth 2.0 endpoints, over HTTPS on 127.0.0.1: instance discovery, the
 * tenant's OpenID configuration and the v2.0 token endpoint, which is what the Azure identity library
 * calls for client-assertion (workload identity, OIDC token) and client-secret credentials. The token
 * endpoint checks the client id and the assertion or secret against what the test expects, and issues
 * a bearer token (a JWT with storage audience and an Entra issuer, as Azurite's OAuth mode checks).
 */
public final class OidcStandIn implements AutoCloseable {
  /**
   * What the token endpoint saw, without the secret values.
   *
   * @param grantType the OAuth grant type
   * @param clientId the client id sent
   * @param scope the scope asked for
   * @param assertionMatched whether the client assertion was the expected one
   * @param secretMatched whether the client secret was the expected one
   * @param issuedToken the bearer token issued, or {@code null} when refused
   */
  public record TokenRequest(String grantType, String clientId, String scope, boolean assertionMatched, boolean secretMatched,
      String issuedToken) {
  }

  private final HttpsServer server;
  private final String tenant;
  private final List<TokenRequest> tokenRequests = Collections.synchronizedList(new ArrayList<>());
  private volatile String clientId;
  private volatile Supplier<String> expectedAssertion = () -> null;
  private volatile String expectedSecret;
  private volatile Duration tokenLifetime = Duration.ofHours(1);
  private final List<String> paths = Collections.synchronizedList(new ArrayList<>());

  /**
   * Starts the stand-in on a free loopback port.
   *
   * @param tls the server's TLS context ({@link LoopbackTls#serverContext()})
   * @param tenant the tenant id whose endpoints are served
   * @param clientId the client id tokens are issued to
   * @throws IOException if no port can be bound
   */
  public OidcStandIn(SSLContext tls, String tenant, String clientId) throws IOException {
    this.tenant = tenant;
    this.clientId = clientId;
    this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * The authority host to configure ({@code AZURE_AUTHORITY_HOST}).
   *
   * @return {@code https://127.0.0.1:port/}
   */
  public String authorityHost() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /**
   * Accepts client-assertion requests whose assertion is what {@code assertion} returns at that moment.
   *
   * @param assertion the expected assertion (an OIDC or federated token)
   */
  public void expectAssertion(Supplier<String> assertion) {
    this.expectedAssertion = assertion;
    this.expectedSecret = null;
  }

  /**
   * Accepts client-secret requests with this secret instead.
   *
   * @param secret the expected client secret
   */
  public void expectSecret(String secret) {
    this.expectedSecret = secret;
    this.expectedAssertion = () -> null;
  }

  /**
   * Sets the lifetime of tokens issued from now on.
   *
   * @param lifetime the lifetime
   */
  public void tokenLifetime(Duration lifetime) {
    this.tokenLifetime = lifetime;
  }

  /**
   * Every token request so far.
   *
   * @return a copy, oldest first
   */
  public List<TokenRequest> tokenRequests() {
    synchronized (tokenRequests) {
      return new ArrayList<>(tokenRequests);
    }
  }

  /**
   * Every request's method and path so far.
   *
   * @return a copy, oldest first
   */
  public List<String> paths() {
    synchronized (paths) {
      return new ArrayList<>(paths);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    paths.add(exchange.getRequestMethod() + " " + path);
    String base = authorityHost() + tenant;
    if (path.endsWith("/discovery/instance")) {
      String host = "127.0.0.1:" + server.getAddress().getPort();
      respond(exchange, 200, "{\"tenant_discovery_endpoint\":\"" + base + "/v2.0/.well-known/openid-configuration\","
          + "\"api-version\":\"1.1\",\"metadata\":[{\"preferred_network\":\"" + host + "\",\"preferred_cache\":\""
          + host + "\",\"aliases\":[\"" + host + "\"]}]}");
    } else if (path.endsWith("/.well-known/openid-configuration")) {
      respond(exchange, 200, "{\"token_endpoint\":\"" + base + "/oauth2/v2.0/token\",\"authorization_endpoint\":\""
          + base + "/oauth2/v2.0/authorize\",\"issuer\":\"" + base + "/v2.0\",\"tenant_region_scope\":\"WW\"}");
    } else if (path.endsWith("/oauth2/v2.0/token") && exchange.getRequestMethod().equals("POST")) {
      token(exchange, path);
    } else {
      respond(exchange, 404, "{\"error\":\"not_found\"}");
    }
  }

  private void token(HttpExchange exchange, String path) throws IOException {
    Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String expected = expectedAssertion.get();
    boolean assertionMatched = expected != null && expected.equals(form.get("client_assertion"))
        && "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"));
    boolean secretMatched = expectedSecret != null && expectedSecret.equals(form.get("client_secret"));
    boolean ok = path.startsWith("/" + tenant + "/") && clientId.equals(form.get("client_id"))
        && "client_credentials".equals(form.get("grant_type")) && (assertionMatched || secretMatched);
    String token = ok ? accessToken() : null;
    tokenRequests.add(new TokenRequest(form.get("grant_type"), form.get("client_id"), form.get("scope"),
        assertionMatched, secretMatched, token));
    if (!ok) {
      respond(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
          + "secret or assertion provided.\",\"error_codes\":[7000215]}");
      return;
    }
    respond(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + tokenLifetime.toSeconds()
        + ",\"ext_expires_in\":" + tokenLifetime.toSeconds() + ",\"access_token\":\"" + token + "\"}");
  }

  private String accessToken() {
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String payload = "{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/" + tenant + "/\","
        + "\"iat\":" + (now - 5) + ",\"nbf\":" + (now - 5) + ",\"exp\":" + (now + tokenLifetime.toSeconds())
        + ",\"appid\":\"" + clientId + "\",\"oid\":\"" + UUID.randomUUID() + "\",\"tid\":\"" + tenant + "\"}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
