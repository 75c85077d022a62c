package io.kafkabackup.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key templates in drone-cache's syntax. */
class KeyTemplateTest {
  @TempDir
  Path dir;

  private KeyTemplate template(Map<String, String> env) {
    return new KeyTemplate(dir, env, Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC));
  }

  @Test
  void metadataFunctionsAndLiteralText() throws IOException {
    Files.writeString(dir.resolve("pom.xml"), "<project/>");
    KeyTemplate t = template(Map.of("DRONE_COMMIT_BRANCH", "main", "DRONE_REPO_NAME", "shop",
        "DRONE_BUILD_NUMBER", "42", "GITHUB_SHA", "abc123"));
    assertEquals("shop-main-42-abc123", t.render("{{ .Repo.Name }}-{{ .Commit.Branch }}-{{ .Build.Number }}-{{ .Commit.SHA }}"));
    // SHA-256 of "<project/>" (sha256sum), in double, single and back quotes.
    String expected = "618a333ca21cdc97fc758355c6127cb83ae2a1b0c892a8b7a1b726b02d378a54";
    assertEquals(expected, t.render("{{ checksum \"pom.xml\" }}"));
    assertEquals(expected, t.render("{{ checksum 'pom.xml' }}"));
    assertEquals(expected, t.render("{{checksum `pom.xml`}}"));
    assertEquals("1700000000", t.render("{{ epoch }}"));
    assertEquals(KeyTemplate.os() + "_" + KeyTemplate.arch(), t.render("{{ os }}_{{ arch }}"));
    assertEquals("v-x", template(Map.of("TOOL", "x")).render("v-{{ env \"TOOL\" }}"));
    assertEquals("unset--", t.render("unset-{{ .Repo.Owner }}-"));
  }

  @Test
  void hashFilesCoversEveryMatchAndChangesWithAnyOfThem() throws IOException {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("pom.xml"), "root");
    Files.writeString(dir.resolve("a/b/pom.xml"), "child");
    Files.writeString(dir.resolve("a/README"), "not matched");
    KeyTemplate t = template(Map.of());
    String first = t.render("{{ hashFiles \"**/pom.xml\" \"pom.xml\" }}");
    Files.writeString(dir.resolve("a/README"), "changed, still not matched");
    assertEquals(first, t.render("{{ hashFiles \"**/pom.xml\" \"pom.xml\" }}"));
    Files.writeString(dir.resolve("a/b/pom.xml"), "child changed");
    assertNotEquals(first, t.render("{{ hashFiles \"**/pom.xml\" \"pom.xml\" }}"));
  }

  @Test
  void errorsNameWhatIsWrong() {
    KeyTemplate t = template(Map.of());
    assertMessage("checksum: no file", () -> t.render("k-{{ checksum \"missing.lock\" }}"));
    assertMessage("no file under", () -> t.render("{{ hashFiles \"**/*.gradle\" }}"));
    assertMessage("unknown field .Repo.Nmae; known: .Repo.Name", () -> t.render("{{ .Repo.Nmae }}"));
    assertMessage("unknown function 'chcksum'", () -> t.render("{{ chcksum \"x\" }}"));
    assertMessage("checksum takes 1 argument(s), got 0", () -> t.render("{{ checksum }}"));
    assertMessage("quoted arguments", () -> t.render("{{ checksum pom.xml }}"));
    assertMessage("unclosed", () -> t.render("k-{{ epoch"));
    assertMessage("the cache key is empty", () -> t.render("{{ .Commit.Branch }}"));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    CacheException e = assertThrows(CacheException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
