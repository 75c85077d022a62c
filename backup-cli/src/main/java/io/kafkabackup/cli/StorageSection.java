package io.kafkabackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the {@code storage:} section into {@code storage.*} keys for {@code StorageBackends}. Two forms:
 *
 * <ul>
 *   <li>Our keys, nested or dotted: {@code backend: azure}, {@code azure: {account-name: acct}} become
 *       {@code storage.backend=azure}, {@code storage.azure.account-name=acct}.
 *   <li>The Kubernetes operator's CRD block, verbatim: {@code storageType: azure|s3|filesystem} with an
 *       {@code azure:}, {@code s3:} or {@code filesystem:} block in camelCase. {@code storageType: azure}
 *       always yields the Azure backend; settings of another type under it are an error.
 * </ul>
 *
 * <p>In both forms an {@code encryption:} block becomes {@code storage.encryption.*} keys.
 *
 * <p>A CRD {@code credentialsSecret: {name, ...Key}} is read from the mounted secret directory
 * ({@code {secret-dir}/{name}/{key}}, then {@code {secret-dir}/{key}}) or from the environment variable
 * {@code {NAME}_{KEY}} (upper case, other characters as {@code _}).
 */
final class StorageSection {
  private static final Set<String> CRD_KEYS = Set.of("storageType", "azure", "s3", "filesystem", "encryption");
  private static final Map<String, Map<String, String>> CRD_FIELDS = Map.of(
      "azure", Map.of("accountName", "storage.azure.account-name", "container", "storage.azure.container",
          "prefix", "storage.prefix", "endpoint", "storage.azure.endpoint", "useWorkloadIdentity", "",
          "credentialsSecret", "", "createContainer", "storage.azure.create-container"),
      "s3", Map.of("bucket", "storage.s3.bucket", "region", "storage.s3.region", "prefix", "storage.prefix",
          "endpoint", "storage.s3.endpoint", "pathStyleAccess", "storage.s3.path-style-access",
          "credentialsSecret", ""),
      "filesystem", Map.of("path", "storage.filesystem.root", "prefix", "storage.prefix"));
  private static final Map<String, Map<String, String>> SECRET_FIELDS = Map.of(
      "azure", Map.of("accountKeyKey", "storage.azure.account-key", "sasTokenKey", "storage.azure.sas-token",
          "connectionStringKey", "storage.azure.connection-string"),
      "s3", Map.of("accessKeyIdKey", "storage.s3.access-key-id", "secretAccessKeyKey", "storage.s3.secret-access-key"));

  private StorageSection() {
  }

  static Map<String, String> resolve(Section section, Path secretDir, Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    ObjectNode node = section.node();
    if (node.has("storageType")) {
      crd(section, secretDir, env, out);
    } else {
      flatten(section, node, "storage", out);
    }
    return out;
  }

  private static void flatten(Section section, JsonNode node, String prefix, Map<String, String> out) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey().startsWith("storage.") ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(section, e.getValue(), key, out);
      } else if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(key, e.getValue().asText());
      } else if (e.getValue().isArray()) {
        throw section.error(key.substring("storage.".length()), "expected a single value, got a list");
      }
    }
  }

  private static void crd(Section section, Path secretDir, Map<String, String> env, Map<String, String> out) {
    section.allow(CRD_KEYS);
    String type = section.string("storageType").orElseThrow().trim().toLowerCase(Locale.ROOT);
    if (!CRD_FIELDS.containsKey(type)) {
      throw section.error("storageType", "expected azure, s3 or filesystem, got '" + type + "'"
          + Suggestions.hint(type, CRD_FIELDS.keySet()));
    }
    for (String other : CRD_FIELDS.keySet()) {
      if (!other.equals(type) && section.has(other)) {
        throw section.error(other, other + " settings under storageType " + type
            + ": move them under '" + type + ":' or change storageType");
      }
    }
    out.put("storage.backend", type);
    if (section.node().get("encryption") instanceof ObjectNode encryption) {
      // Ours in both forms: storage.encryption.* keys, validated by KeyWrappers.
      flatten(section, encryption, "storage.encryption", out);
    }
    if (!section.has(type)) {
      return;
    }
    JsonNode block = section.node().get(type);
    if (!block.isObject()) {
      throw section.error(type, "expected a mapping");
    }
    Section fields = new Section(section.fileOf(), "storage." + type, (ObjectNode) block);
    fields.allow(CRD_FIELDS.get(type).keySet());
    CRD_FIELDS.get(type).forEach((field, key) -> {
      if (!key.isEmpty()) {
        fields.string(field).ifPresent(v -> out.put(key, v));
      }
    });
    if (type.equals("azure") && fields.bool("useWorkloadIdentity").orElse(false)) {
      out.put("storage.azure.auth", "workload-identity");
    }
    if (fields.has("credentialsSecret")) {
      JsonNode secret = block.get("credentialsSecret");
      if (!secret.isObject()) {
        throw fields.error("credentialsSecret", "expected a mapping with name and the key fields");
      }
      Section s = new Section(section.fileOf(), "storage." + type + ".credentialsSecret", (ObjectNode) secret);
      Map<String, String> keyFields = SECRET_FIELDS.getOrDefault(type, Map.of());
      Set<String> allowed = new HashSet<>(keyFields.keySet());
      allowed.add("name");
      s.allow(allowed);
      String name = s.string("name").orElseThrow(() -> s.error("name", "the secret's name is required"));
      keyFields.forEach((field, key) -> s.string(field).ifPresent(secretKey ->
          out.put(key, readSecret(s, field, name, secretKey, secretDir, env))));
    }
  }

  private static String readSecret(Section s, String field, String name, String key, Path secretDir,
      Map<String, String> env) {
    for (Path candidate : new Path[] {secretDir.resolve(name).resolve(key), secretDir.resolve(key)}) {
      if (Files.isRegularFile(candidate)) {
        try {
          return Files.readString(candidate, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw s.error(field, "cannot read secret file " + candidate + ": " + e.getMessage());
        }
      }
    }
    String variable = (name + "_" + key).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    String value = env.get(variable);
    if (value == null) {
      throw s.error(field, "secret " + name + "/" + key + " not found: mount it at " + secretDir.resolve(name)
          .resolve(key) + " or set " + variable);
    }
    return value;
  }
}
