package io.kafkabackup.storage.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for AWS KMS on 127.0.0.1, speaking its JSON 1.1 protocol ({@code POST /} with
 * {@code X-Amz-Target: TrentService.Encrypt|Decrypt}) so the AWS SDK's KMS client runs unmodified. It
 * holds symmetric keys by id, with ARNs and aliases; {@code Encrypt} returns an opaque ciphertext blob
 * naming its key and bound to the encryption context, {@code Decrypt} checks both, and errors use KMS's
 * own codes ({@code NotFoundException}, {@code DisabledException}, {@code IncorrectKeyException},
 * {@code InvalidCiphertextException}, {@code UnrecognizedClientException}). Requests must be signed
 * (SigV4) with the expected access key id for the KMS service.
 */
public final class KmsStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "111122223333";

  /**
   * One request the stand-in answered.
   *
   * @param operation {@code Encrypt} or {@code Decrypt}
   * @param keyId the key id the request named, if any
   * @param error the error code returned, or null
   */
  public record Call(String operation, String keyId, String error) {
  }

  private final HttpServer server;
  private final String region;
  private final String accessKeyId;
  private final Map<String, SecretKey> keys = new ConcurrentHashMap<>();
  private final Map<String, Boolean> enabled = new ConcurrentHashMap<>();
  private final Map<String, String> aliases = new ConcurrentHashMap<>();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  private final SecureRandom random = new SecureRandom();

  /**
   * Starts the stand-in on a free loopback port.
   *
   * @param region the region it serves (ARNs name it)
   * @param accessKeyId the access key id requests must be signed with
   * @throws IOException if no port can be bound
   */
  public KmsStandIn(String region, String accessKeyId) throws IOException {
    this.region = region;
    this.accessKeyId = accessKeyId;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * The endpoint to configure.
   *
   * @return {@code http://127.0.0.1:port}
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Creates a symmetric key.
   *
   * @return its ARN
   */
  public String createKey() {
    String id = UUID.randomUUID().toString();
    byte[] material = new byte[32];
    random.nextBytes(material);
    keys.put(id, new SecretKeySpec(material, "AES"));
    enabled.put(id, true);
    return arn(id);
  }

  /**
   * Points an alias at a key, as {@code CreateAlias} or {@code UpdateAlias} would.
   *
   * @param alias the alias, {@code alias/…}
   * @param keyArn the key's ARN
   */
  public void alias(String alias, String keyArn) {
    aliases.put(alias, idOf(keyArn));
  }

  /**
   * Disables a key ({@code DisableKey}): it neither encrypts nor decrypts until enabled again.
   *
   * @param keyArn the key's ARN
   * @param on whether it is enabled
   */
  public void enabled(String keyArn, boolean on) {
    enabled.put(idOf(keyArn), on);
  }

  /**
   * Every request so far.
   *
   * @return a copy, oldest first
   */
  public List<Call> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }

  private String arn(String id) {
    return "arn:aws:kms:" + region + ":" + ACCOUNT + ":key/" + id;
  }

  private static String idOf(String arn) {
    return arn.substring(arn.lastIndexOf('/') + 1);
  }

  /** A key id, ARN, alias name or alias ARN to the key's id, or null. */
  private String resolve(String name) {
    if (name == null) {
      return null;
    }
    String alias = name.startsWith("arn:") && name.contains(":alias/") ? name.substring(name.indexOf(":alias/") + 1) : name;
    if (alias.startsWith("alias/")) {
      return aliases.get(alias);
    }
    String id = name.startsWith("arn:") ? idOf(name) : name;
    return keys.containsKey(id) ? id : null;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
    JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
    String keyName = request.path("KeyId").isMissingNode() ? null : request.path("KeyId").asText();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/")
        || !authorization.contains("/" + region + "/kms/aws4_request")) {
      fail(exchange, operation, keyName, "UnrecognizedClientException", "The security token included in the request is invalid.");
      return;
    }
    try {
      switch (operation) {
        case "Encrypt" -> encrypt(exchange, request, keyName);
        case "Decrypt" -> decrypt(exchange, request, keyName);
        default -> fail(exchange, operation, keyName, "UnsupportedOperationException", operation + " is not served here");
      }
    } catch (GeneralSecurityException e) {
      fail(exchange, operation, keyName, "KMSInternalException", e.getMessage());
    }
  }

  private void encrypt(HttpExchange exchange, JsonNode request, String keyName) throws IOException, GeneralSecurityException {
    String id = resolve(keyName);
    if (id == null) {
      fail(exchange, "Encrypt", keyName, "NotFoundException", "Key '" + keyName + "' does not exist");
      return;
    }
    if (!enabled.get(id)) {
      fail(exchange, "Encrypt", keyName, "DisabledException", arn(id) + " is disabled.");
      return;
    }
    byte[] plaintext = Base64.getDecoder().decode(request.path("Plaintext").asText());
    byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, keys.get(id), new GCMParameterSpec(128, iv));
    cipher.updateAAD(aad(id, request.path("EncryptionContext")));
    byte[] sealed = cipher.doFinal(plaintext);
    byte[] blob = ByteBuffer.allocate(2 + idBytes.length + iv.length + sealed.length).put((byte) 1)
        .put((byte) idBytes.length).put(idBytes).put(iv).put(sealed).array();
    ObjectNode response = JSON.createObjectNode().put("KeyId", arn(id))
        .put("CiphertextBlob", Base64.getEncoder().encodeToString(blob)).put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    respond(exchange, "Encrypt", keyName, 200, response);
  }

  private void decrypt(HttpExchange exchange, JsonNode request, String keyName) throws IOException, GeneralSecurityException {
    ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(request.path("CiphertextBlob").asText()));
    if (blob.remaining() < 2 || blob.get() != 1) {
      fail(exchange, "Decrypt", keyName, "InvalidCiphertextException", null);
      return;
    }
    byte[] idBytes = new byte[blob.get() & 0xff];
    blob.get(idBytes);
    String id = new String(idBytes, StandardCharsets.US_ASCII);
    if (!keys.containsKey(id)) {
      fail(exchange, "Decrypt", keyName, "NotFoundException", "Key '" + arn(id) + "' does not exist");
      return;
    }
    if (keyName != null && !id.equals(resolve(keyName))) {
      fail(exchange, "Decrypt", keyName, "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
      return;
    }
    if (!enabled.get(id)) {
      fail(exchange, "Decrypt", keyName, "DisabledException", arn(id) + " is disabled.");
      return;
    }
    byte[] iv = new byte[12];
    blob.get(iv);
    byte[] sealed = new byte[blob.remaining()];
    blob.get(sealed);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, keys.get(id), new GCMParameterSpec(128, iv));
    cipher.updateAAD(aad(id, request.path("EncryptionContext")));
    byte[] plaintext;
    try {
      plaintext = cipher.doFinal(sealed);
    } catch (AEADBadTagException e) {
      fail(exchange, "Decrypt", keyName, "InvalidCiphertextException", null);
      return;
    }
    ObjectNode response = JSON.createObjectNode().put("KeyId", arn(id))
        .put("Plaintext", Base64.getEncoder().encodeToString(plaintext)).put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
    respond(exchange, "Decrypt", keyName, 200, response);
  }

  /** The key id and the encryption context, sorted: what the ciphertext is bound to. */
  private static byte[] aad(String id, JsonNode context) {
    Map<String, String> sorted = new TreeMap<>();
    context.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
    return (id + "|" + sorted).getBytes(StandardCharsets.UTF_8);
  }

  private void fail(HttpExchange exchange, String operation, String keyName, String code, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode().put("__type", code);
    if (message != null) {
      body.put("message", message);
    }
    exchange.getResponseHeaders().add("x-amzn-ErrorType", code);
    respond(exchange, operation, keyName, 400, body, code);
  }

  private void respond(HttpExchange exchange, String operation, String keyName, int status, ObjectNode body)
      throws IOException {
    respond(exchange, operation, keyName, status, body, null);
  }

  private void respond(HttpExchange exchange, String operation, String keyName, int status, ObjectNode body, String error)
      throws IOException {
    calls.add(new Call(operation, keyName, error));
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
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
