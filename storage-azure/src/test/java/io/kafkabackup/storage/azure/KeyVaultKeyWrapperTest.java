package io.kafkabackup.storage.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.InvalidConfigurationException;
import io.kafkabackup.storage.KeyUnavailableException;
import io.kafkabackup.storage.KeyWrapper;
import io.kafkabackup.storage.KeyWrappers;
import io.kafkabackup.storage.WrappedKey;
import io.kafkabackup.storage.testkit.KeyVaultStandIn;
import io.kafkabackup.storage.testkit.LoopbackTls;
import io.kafkabackup.storage.testkit.OidcStandIn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The azure-key-vault key-encryption provider through the Azure SDK's CryptographyClient: HTTPS to a Key
 * Vault stand-in with the bearer challenge, tokens from the Entra ID stand-in, all on 127.0.0.1.
 */
class KeyVaultKeyWrapperTest {
  private static final String TENANT = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  private static final String CLIENT_ID = "5c4b3a29-1807-4f6e-9d8c-7b6a59483726";
  private static final String SECRET = "kv-sp-secret-" + System.nanoTime();

  private static OidcStandIn identity;
  private static KeyVaultStandIn vault;

  @BeforeAll
  static void start() throws Exception {
    LoopbackTls tls = LoopbackTls.trusted();
    identity = new OidcStandIn(tls.serverContext(), TENANT, CLIENT_ID);
    identity.expectSecret(SECRET);
    vault = new KeyVaultStandIn(tls.serverContext(), TENANT, token -> identity.tokenRequests().stream()
        .anyMatch(r -> token.equals(r.issuedToken()) && r.scope() != null
            && r.scope().contains("https://vault.azure.net/.default")));
  }

  @AfterAll
  static void stop() {
    vault.close();
    identity.close();
  }

  private static Map<String, String> config(String keyId) {
    Map<String, String> c = new HashMap<>();
    c.put("storage.encryption.kek", "azure-key-vault");
    c.put("storage.encryption.azure-key-vault.key-id", keyId);
    c.put("storage.encryption.azure-key-vault.tenant-id", TENANT);
    c.put("storage.encryption.azure-key-vault.client-id", CLIENT_ID);
    c.put("storage.encryption.azure-key-vault.client-secret", SECRET);
    c.put("storage.encryption.azure-key-vault.authority-host", identity.authorityHost());
    c.put("storage.encryption.azure-key-vault.disable-challenge-resource-verification", "true");
    c.put("storage.encryption.azure-key-vault.request-timeout", "3s");
    c.put("storage.encryption.azure-key-vault.max-retries", "1");
    return c;
  }

  private static KeyWrapper open(Map<String, String> config) {
    return KeyWrappers.open(config, Map.of(), KeyVaultKeyWrapperTest.class.getClassLoader()).orElseThrow();
  }

  @Test
  void wrapsWithTheCurrentVersionAndUnwrapsEachRecordedVersionAfterARotation() {
    String key = vault.createKey("backup-kek");
    byte[] dataKey = new byte[32];
    new SecureRandom().nextBytes(dataKey);
    List<String> texts = new ArrayList<>();
    CapturedLogs.captureAll();
    try (KeyWrapper wrapper = open(config(key))) {
      WrappedKey first = wrapper.wrap(dataKey);
      assertTrue(first.keyId().startsWith(key + "/"), "the versioned key id is recorded: " + first.keyId());
      String second = vault.rotate("backup-kek");
      WrappedKey after = wrapper.wrap(dataKey);
      assertEquals(second, after.keyId());
      assertArrayEquals(dataKey, wrapper.unwrap(first.keyId(), first.bytes()));
      assertArrayEquals(dataKey, wrapper.unwrap(after.keyId(), after.bytes()));
      texts.add(wrapper.toString());
    } finally {
      texts.addAll(CapturedLogs.stop());
    }
    assertTrue(vault.calls().stream().anyMatch(c -> c.operation().equals("unwrapkey") && c.status() == 200));
    assertTrue(texts.size() > 10, "the SDK's events were captured: " + texts.size());
    for (String secret : List.of(SECRET, HexFormat.of().formatHex(dataKey), Base64.getEncoder().encodeToString(dataKey),
        Base64.getUrlEncoder().withoutPadding().encodeToString(dataKey))) {
      assertTrue(texts.stream().noneMatch(t -> t.contains(secret)), "a secret or the data key reached a log");
    }
  }

  @Test
  void aDisabledVersionAnAlteredKeyAndAnUnknownKeyAreTypedErrorsNamingTheKey() {
    String key = vault.createKey("typed-errors");
    try (KeyWrapper wrapper = open(config(key))) {
      WrappedKey wrapped = wrapper.wrap(new byte[32]);
      byte[] altered = wrapped.bytes();
      altered[5] ^= 1;
      KeyUnavailableException bad = assertThrows(KeyUnavailableException.class,
          () -> wrapper.unwrap(wrapped.keyId(), altered));
      assertTrue(bad.getMessage().contains("HTTP 400") && bad.getMessage().contains(wrapped.keyId()), bad.getMessage());
      vault.disabled(wrapped.keyId(), true);
      KeyUnavailableException disabled = assertThrows(KeyUnavailableException.class,
          () -> wrapper.unwrap(wrapped.keyId(), wrapped.bytes()));
      assertTrue(disabled.getMessage().contains("HTTP 403") && !disabled.isRetryable(), disabled.getMessage());
      assertEquals(wrapped.keyId(), disabled.keyId());
    }
    try (KeyWrapper missing = open(config(vault.vaultUrl() + "/keys/no-such-key"))) {
      KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> missing.wrap(new byte[32]));
      assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("no-such-key"), e.getMessage());
      assertFalse(stackTrace(e).contains(SECRET));
    }
  }

  @Test
  void aRefusedCredentialAndAnUnreachableVaultFailTyped() throws Exception {
    String key = vault.createKey("auth-errors");
    Map<String, String> wrongSecret = config(key);
    wrongSecret.put("storage.encryption.azure-key-vault.client-secret", "not-the-secret");
    try (KeyWrapper wrapper = open(wrongSecret)) {
      KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> wrapper.wrap(new byte[32]));
      assertFalse(e.isRetryable(), e.getMessage());
      assertFalse(stackTrace(e).contains("not-the-secret"));
    }
    Map<String, String> down = config("https://127.0.0.1:9/keys/unreachable");
    try (KeyWrapper wrapper = open(down)) {
      KeyUnavailableException e = assertThrows(KeyUnavailableException.class, () -> wrapper.wrap(new byte[32]));
      assertTrue(e.isRetryable() && e.getMessage().contains("unreachable"), e.getMessage());
    }
  }

  @Test
  void configurationErrorsNameTheKey() {
    Map<String, String> http = config("http://vault.example.com/keys/k");
    InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> open(http));
    assertEquals("storage.encryption.azure-key-vault.key-id", e.configKey().orElseThrow());
    Map<String, String> notAKey = config("https://vault.example.com/secrets/k");
    assertThrows(InvalidConfigurationException.class, () -> open(notAKey));
    Map<String, String> forced = config("https://vault.example.com/keys/k");
    forced.remove("storage.encryption.azure-key-vault.client-secret");
    forced.put("storage.encryption.azure-key-vault.auth", "client-secret");
    InvalidConfigurationException needs = assertThrows(InvalidConfigurationException.class, () -> open(forced));
    assertEquals("storage.encryption.azure-key-vault.client-secret", needs.configKey().orElseThrow());
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
