package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.cli.ExitCode;
import io.kafkabackup.storage.testkit.AzuriteServer;
import io.kafkabackup.storage.testkit.EntraStandIn;
import io.kafkabackup.storage.testkit.OidcStandIn;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin step on Azure as the second seed describes it: a pre-fetched OIDC token from the CI system
 * ({@code PLUGIN_AZURE_OIDC_TOKEN} with client and tenant ids) exchanged at the identity endpoint (a local
 * OAuth stand-in over HTTPS) for a bearer token that Azurite, in OAuth mode over HTTPS, accepts; the
 * container is created because it is missing; the method is printed once; the token never is.
 */
class AzureCachePluginTest {
  private static final String TENANT = "0d3f7a1e-5c2b-4e8a-9f6d-1b2c3d4e5f60";
  private static final String CLIENT = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d";

  @TempDir
  static Path dir;
  private static EntraStandIn entra;
  private static OidcStandIn idp;
  private static AzuriteServer azurite;

  @BeforeAll
  static void start() throws Exception {
    entra = EntraStandIn.start(TENANT, CLIENT);
    idp = entra.identity();
    azurite = entra.azurite();
  }

  @AfterAll
  static void stop() {
    if (entra != null) {
      entra.close();
    }
  }

  @Test
  void oidcTokenThenServicePrincipalThenAccountKey() throws Exception {
    String oidc = "harness-oidc-" + UUID.randomUUID();
    idp.expectAssertion(() -> oidc);
    String container = "cache" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Map<String, String> storage = Map.of("PLUGIN_BACKEND", "azure",
        "PLUGIN_ACCOUNT_NAME", azurite.endpoint().accountName(), "PLUGIN_CONTAINER", container,
        "AZURE_BLOB_STORAGE_URL", azurite.endpoint().blobEndpoint().toString(),
        "AZURE_AUTHORITY_HOST", idp.authorityHost(),
        "PLUGIN_AZURE_OIDC_TOKEN", oidc, "PLUGIN_AZURE_CLIENT_ID", CLIENT, "PLUGIN_AZURE_TENANT_ID", TENANT,
        // Present but lower in the order: the OIDC token wins.
        "PLUGIN_AZURE_CLIENT_SECRET", "sp-secret-not-used", "PLUGIN_ACCOUNT_KEY", azurite.endpoint().accountKey());

    CliRun saved = CachePluginTest.pipelineIn(dir.resolve("oidc"), storage);
    assertTrue(saved.out().startsWith("azure auth: oidc-token (client " + CLIENT + ", tenant " + TENANT + ")"),
        saved.out());
    assertEquals(1, saved.out().split("azure auth:", -1).length - 1, "the method is printed once");
    assertTrue(idp.tokenRequests().stream().anyMatch(OidcStandIn.TokenRequest::assertionMatched));
    for (String secret : List.of(oidc, "sp-secret-not-used", azurite.endpoint().accountKey())) {
      assertFalse(saved.out().contains(secret) || saved.err().contains(secret), "a secret was printed");
    }

    // Without the token: the service principal's secret.
    idp.expectSecret("sp-secret");
    Map<String, String> sp = CachePluginTest.with(storage, "PLUGIN_AZURE_OIDC_TOKEN", "",
        "PLUGIN_AZURE_CLIENT_SECRET", "sp-secret");
    CliRun viaSecret = CliRun.run(CachePluginTest.with(sp, "PLUGIN_RESTORE", "true", "PLUGIN_CACHE_KEY", "absent",
        "PLUGIN_LOCAL_ROOT", dir.toString()));
    assertEquals(ExitCode.OK, viaSecret.code(), viaSecret.err());
    assertTrue(viaSecret.out().startsWith("azure auth: client-secret"), viaSecret.out());
    assertTrue(idp.tokenRequests().get(idp.tokenRequests().size() - 1).secretMatched());

    // Without either: the account key.
    CliRun viaKey = CliRun.run(CachePluginTest.with(sp, "PLUGIN_AZURE_CLIENT_SECRET", "", "PLUGIN_RESTORE", "true",
        "PLUGIN_CACHE_KEY", "absent", "PLUGIN_LOCAL_ROOT", dir.toString()));
    assertEquals(ExitCode.OK, viaKey.code(), viaKey.err());
    assertTrue(viaKey.out().startsWith("azure auth: account-key"), viaKey.out());

    // A token without the ids it belongs to is a configuration error naming them.
    CliRun noIds = CliRun.run(CachePluginTest.with(storage, "PLUGIN_AZURE_CLIENT_ID", "", "PLUGIN_RESTORE", "true"));
    assertEquals(ExitCode.CONFIG, noIds.code());
    assertTrue(noIds.err().contains("PLUGIN_AZURE_CLIENT_ID"), noIds.err());
  }
}
