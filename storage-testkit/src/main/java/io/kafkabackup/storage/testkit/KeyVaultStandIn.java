package io.kafkabackup.storage.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.net.ssl.SSLContext;

/**
 * A local stand-in for Azure Key Vault's key operations over HTTPS on 127.0.0.1, speaking its REST
 * protocol so the Azure SDK's {@code CryptographyClient} runs unmodified: the bearer challenge (a 401 with
 * {@code WWW-Authenticate: Bearer authorization=…, resource=https://vault.azure.net} to a request without a
 * token), then {@code POST /keys/{name}[/{version}]/wrapkey|unwrapkey?api-version=…} with
 * {@code RSA-OAEP-256}, answering the versioned key id, and Key Vault's error bodies
 * ({@code KeyNotFound}, {@code Forbidden} for a disabled version, {@code BadParameter} for a ciphertext
 * that does not decrypt, {@code Unauthorized}). RSA keys have versions; {@link #rotate} adds one, which
 * then wraps while older versions still unwrap. Tokens are checked with the predicate given, against
 * what the identity stand-in issued.
 */
public final class KeyVaultStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OPERATION = Pattern.compile("/keys/([A-Za-z0-9-]+)(?:/([A-Za-z0-9]*))?/(wrapkey|unwrapkey)");
  private static final OAEPParameterSpec OAEP_256 = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
      PSource.PSpecified.DEFAULT);

  /**
   * One key operation the vault answered.
   *
   * @param operation {@code wrapkey} or {@code unwrapkey}
   * @param kid the versioned key id used, or the path asked for when it failed
   * @param status the HTTP status returned
   */
  public record Call(String operation, String kid, int status) {
  }

  private final HttpsServer server;
  private final String tenant;
  private final Predicate<String> validToken;
  /** Versions of each key, oldest first; the last is current. */
  private final Map<String, LinkedHashMap<String, KeyPair>> keys = new ConcurrentHashMap<>();
  private final Map<String, Boolean> disabled = new ConcurrentHashMap<>();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  /**
   * Starts the vault on a free loopback port.
   *
   * @param tls the server's TLS context ({@link LoopbackTls#serverContext()})
   * @param tenant the tenant the challenge names
   * @param validToken which bearer tokens are accepted
   * @throws IOException if no port can be bound
   */
  public KeyVaultStandIn(SSLContext tls, String tenant, Predicate<String> validToken) throws IOException {
    this.tenant = tenant;
    this.validToken = validToken;
    this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * The vault's URL.
   *
   * @return {@code https://127.0.0.1:port}
   */
  public String vaultUrl() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Creates an RSA key with a first version.
   *
   * @param name the key's name
   * @return its unversioned id, {@code {vault}/keys/{name}}
   */
  public String createKey(String name) {
    keys.put(name, new LinkedHashMap<>());
    rotate(name);
    return vaultUrl() + "/keys/" + name;
  }

  /**
   * Adds a version to a key, which becomes its current one.
   *
   * @param name the key's name
   * @return the new version's id, {@code {vault}/keys/{name}/{version}}
   */
  public synchronized String rotate(String name) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String version = UUID.randomUUID().toString().replace("-", "");
      keys.get(name).put(version, generator.generateKeyPair());
      return vaultUrl() + "/keys/" + name + "/" + version;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Disables or enables one version of a key.
   *
   * @param versionedId the version's id
   * @param off whether it is disabled
   */
  public void disabled(String versionedId, boolean off) {
    disabled.put(versionedId, off);
  }

  /**
   * Every key operation so far.
   *
   * @return a copy, oldest first
   */
  public List<Call> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    byte[] body = exchange.getRequestBody().readAllBytes();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
          + tenant + "\", resource=\"https://vault.azure.net\"");
      error(exchange, path, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
      return;
    }
    if (!validToken.test(authorization.substring("Bearer ".length()))) {
      error(exchange, path, 401, "Unauthorized", "AKV10032: Invalid issuer.");
      return;
    }
    Matcher m = OPERATION.matcher(path);
    if (!exchange.getRequestMethod().equals("POST") || !m.matches()) {
      error(exchange, path, 404, "NotFound", "This operation is not served here: " + path);
      return;
    }
    LinkedHashMap<String, KeyPair> versions = keys.get(m.group(1));
    // No version, or an empty one (the SDK's path for an unversioned key id): the current version.
    String version = m.group(2) == null || m.group(2).isEmpty() ? null : m.group(2);
    if (versions != null && version == null) {
      version = new ArrayList<>(versions.keySet()).get(versions.size() - 1);
    }
    KeyPair pair = versions == null ? null : versions.get(version);
    if (pair == null) {
      error(exchange, path, 404, "KeyNotFound", "A key with (name/id) " + m.group(1)
          + (version == null ? "" : "/" + version) + " was not found in this key vault.");
      return;
    }
    String kid = vaultUrl() + "/keys/" + m.group(1) + "/" + version;
    String operation = m.group(3);
    if (disabled.getOrDefault(kid, false)) {
      error(exchange, path, 403, "Forbidden", "Operation " + operation + " is not allowed on a disabled key.");
      return;
    }
    JsonNode request = JSON.readTree(body);
    if (!"RSA-OAEP-256".equals(request.path("alg").asText())) {
      error(exchange, path, 400, "BadParameter", "Algorithm " + request.path("alg").asText() + " is not served here.");
      return;
    }
    byte[] value = Base64.getUrlDecoder().decode(request.path("value").asText());
    byte[] result;
    try {
      Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
      if (operation.equals("wrapkey")) {
        rsa.init(Cipher.ENCRYPT_MODE, pair.getPublic(), OAEP_256);
      } else {
        rsa.init(Cipher.DECRYPT_MODE, pair.getPrivate(), OAEP_256);
      }
      result = rsa.doFinal(value);
    } catch (BadPaddingException e) {
      error(exchange, path, 400, "BadParameter", "Error occurred while parsing the ciphertext.");
      return;
    } catch (GeneralSecurityException e) {
      error(exchange, path, 500, "InternalError", e.getClass().getSimpleName());
      return;
    }
    ObjectNode response = JSON.createObjectNode().put("kid", kid)
        .put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(result));
    respond(exchange, new Call(operation, kid, 200), 200, response);
  }

  private void error(HttpExchange exchange, String path, int status, String code, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", code).put("message", message);
    String operation = path.endsWith("/wrapkey") ? "wrapkey" : path.endsWith("/unwrapkey") ? "unwrapkey" : path;
    respond(exchange, new Call(operation, path, status), status, body);
  }

  private void respond(HttpExchange exchange, Call call, int status, ObjectNode body) throws IOException {
    calls.add(call);
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().add("x-ms-request-id", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
