package io.kafkabackup.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs {@code kafka-backup} as a drone-cache compatible plugin step: with no arguments and
 * {@code PLUGIN_REBUILD}, {@code PLUGIN_RESTORE} or {@code PLUGIN_FLUSH} set, the {@code PLUGIN_*}
 * variables (the step's {@code settings:}) become a {@code cache save|restore|flush} invocation and its
 * storage settings. Azure credentials are taken in the order such pipelines expect: a pre-fetched OIDC
 * token, then a service principal secret, then the account key; the method chosen is printed once, never
 * a secret. The container is created when missing unless {@code PLUGIN_CREATE_CONTAINER=false}.
 * Secrets travel in the storage settings, never on a command line.
 */
final class PluginMode {
  private static final Set<String> KNOWN = Set.of("PLUGIN_REBUILD", "PLUGIN_RESTORE", "PLUGIN_FLUSH",
      "PLUGIN_FLUSH_AGE", "PLUGIN_CACHE_KEY", "PLUGIN_RESTORE_KEYS", "PLUGIN_MOUNT", "PLUGIN_ARCHIVE_FORMAT",
      "PLUGIN_COMPRESSION_LEVEL", "PLUGIN_SKIP_SYMLINKS", "PLUGIN_OVERRIDE", "PLUGIN_FAIL_RESTORE_IF_KEY_NOT_PRESENT",
      "PLUGIN_LOCAL_ROOT", "PLUGIN_REMOTE_ROOT", "PLUGIN_BACKEND", "PLUGIN_BUCKET", "PLUGIN_REGION", "PLUGIN_ENDPOINT",
      "PLUGIN_PATH_STYLE", "PLUGIN_ACCESS_KEY", "PLUGIN_SECRET_KEY", "PLUGIN_ACCOUNT_NAME", "PLUGIN_ACCOUNT_KEY",
      "PLUGIN_CONTAINER", "PLUGIN_AZURE_BLOB_STORAGE_URL", "PLUGIN_AZURE_OIDC_TOKEN", "PLUGIN_OIDC_TOKEN_ID",
      "PLUGIN_AZURE_TENANT_ID", "PLUGIN_AZURE_CLIENT_ID", "PLUGIN_AZURE_CLIENT_SECRET",
      "PLUGIN_CREATE_CONTAINER", "PLUGIN_FILESYSTEM_CACHE_ROOT", "PLUGIN_DEBUG");

  /**
   * One plugin step as a CLI invocation.
   *
   * @param args the {@code cache …} arguments, free of secrets
   * @param storage the {@code storage.*} settings
   * @param notes lines to print first: the auth method, ignored variables
   */
  record Invocation(List<String> args, Map<String, String> storage, List<String> notes) {
  }

  private final Map<String, String> env;
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> storage = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  private PluginMode(Map<String, String> env) {
    this.env = env;
  }

  /** Whether an argument-less run is a plugin step. */
  static boolean requested(String[] cliArgs, Map<String, String> env) {
    return cliArgs.length == 0 && (env.containsKey("PLUGIN_REBUILD") || env.containsKey("PLUGIN_RESTORE")
        || env.containsKey("PLUGIN_FLUSH"));
  }

  static Invocation from(Map<String, String> env) {
    PluginMode mode = new PluginMode(env);
    mode.command();
    mode.storage();
    Set<String> ignored = new TreeSet<>();
    env.keySet().stream().filter(k -> k.startsWith("PLUGIN_") && !KNOWN.contains(k)).forEach(ignored::add);
    if (!ignored.isEmpty()) {
      mode.notes.add("ignored settings (not used by this plugin): " + String.join(", ", ignored));
    }
    return new Invocation(List.copyOf(mode.args), Map.copyOf(mode.storage), List.copyOf(mode.notes));
  }

  private void command() {
    boolean rebuild = flag("PLUGIN_REBUILD");
    boolean restore = flag("PLUGIN_RESTORE");
    boolean flush = flag("PLUGIN_FLUSH");
    if ((rebuild ? 1 : 0) + (restore ? 1 : 0) + (flush ? 1 : 0) != 1) {
      throw new ConfigException("plugin mode: set exactly one of PLUGIN_REBUILD, PLUGIN_RESTORE, PLUGIN_FLUSH to true");
    }
    String key = value("PLUGIN_CACHE_KEY").orElse("{{ .Commit.Branch }}");
    String workdir = value("PLUGIN_LOCAL_ROOT").orElse(".");
    if (rebuild) {
      args.addAll(List.of("cache", "save", "--key", key, "--workdir", workdir));
      args.add("--mount");
      args.add(String.join(",", list("PLUGIN_MOUNT").orElseThrow(() -> new ConfigException(
          "plugin mode: PLUGIN_MOUNT (the paths to cache) is required to rebuild"))));
      String format = value("PLUGIN_ARCHIVE_FORMAT").orElse("zstd");
      args.addAll(List.of("--format", format));
      // drone-cache passes a level with every format; tar has none, so it is dropped there.
      value("PLUGIN_COMPRESSION_LEVEL").filter(l -> !format.equalsIgnoreCase("tar"))
          .ifPresent(l -> args.addAll(List.of("--level", l)));
      if (flag("PLUGIN_SKIP_SYMLINKS")) {
        args.add("--skip-symlinks");
      }
      if (value("PLUGIN_OVERRIDE").map(v -> !bool("PLUGIN_OVERRIDE", v)).orElse(false)) {
        args.add("--no-override");
      }
    } else if (restore) {
      args.addAll(List.of("cache", "restore", "--key", key, "--workdir", workdir));
      list("PLUGIN_RESTORE_KEYS").ifPresent(keys -> keys.forEach(k -> args.addAll(List.of("--restore-key", k))));
      if (flag("PLUGIN_FAIL_RESTORE_IF_KEY_NOT_PRESENT")) {
        args.add("--fail-on-miss");
      }
    } else {
      String days = value("PLUGIN_FLUSH_AGE").orElse("30");
      if (!days.matches("\\d+")) {
        throw new ConfigException("plugin mode: PLUGIN_FLUSH_AGE: expected a number of days, got '" + days + "'");
      }
      args.addAll(List.of("cache", "flush", "--older-than", days + "d"));
    }
  }

  private void storage() {
    String backend = value("PLUGIN_BACKEND").orElse("s3").toLowerCase(Locale.ROOT);
    storage.put("storage.backend", backend);
    value("PLUGIN_REMOTE_ROOT").ifPresent(v -> storage.put("storage.prefix", v));
    switch (backend) {
      case "s3":
        put("PLUGIN_BUCKET", "storage.s3.bucket");
        put("PLUGIN_REGION", "storage.s3.region");
        put("PLUGIN_ENDPOINT", "storage.s3.endpoint");
        put("PLUGIN_PATH_STYLE", "storage.s3.path-style-access");
        put("PLUGIN_ACCESS_KEY", "storage.s3.access-key-id");
        put("PLUGIN_SECRET_KEY", "storage.s3.secret-access-key");
        break;
      case "azure":
        azure();
        break;
      case "filesystem":
        storage.put("storage.filesystem.root", value("PLUGIN_FILESYSTEM_CACHE_ROOT").orElse("/tmp/cache"));
        break;
      default:
        throw new ConfigException("plugin mode: PLUGIN_BACKEND: expected s3, azure or filesystem, got '" + backend
            + "'");
    }
  }

  private void azure() {
    put("PLUGIN_ACCOUNT_NAME", "storage.azure.account-name");
    put("PLUGIN_CONTAINER", "storage.azure.container");
    put("AZURE_BLOB_MAX_RETRY_REQUESTS", "storage.azure.max-retries");
    storage.put("storage.azure.create-container", value("PLUGIN_CREATE_CONTAINER").orElse("true"));
    value("PLUGIN_AZURE_BLOB_STORAGE_URL", "AZURE_BLOB_STORAGE_URL", "PLUGIN_ENDPOINT").ifPresent(url -> {
      // drone-cache takes either a full URL or the blob host suffix (blob.core.windows.net).
      String account = value("PLUGIN_ACCOUNT_NAME").orElseThrow(() -> new ConfigException(
          "plugin mode: PLUGIN_ACCOUNT_NAME is required with a blob storage URL"));
      storage.put("storage.azure.endpoint", url.contains("://") ? url : "https://" + account + "." + url);
    });
    Optional<String> token = value("PLUGIN_AZURE_OIDC_TOKEN", "PLUGIN_OIDC_TOKEN_ID");
    Optional<String> secret = value("PLUGIN_AZURE_CLIENT_SECRET");
    Optional<String> key = value("PLUGIN_ACCOUNT_KEY");
    Optional<String> client = value("PLUGIN_AZURE_CLIENT_ID", "AZURE_CLIENT_ID");
    Optional<String> tenant = value("PLUGIN_AZURE_TENANT_ID", "AZURE_TENANT_ID");
    String method;
    if (token.isPresent() || secret.isPresent()) {
      if (client.isEmpty() || tenant.isEmpty()) {
        throw new ConfigException("plugin mode: an OIDC token or client secret needs PLUGIN_AZURE_CLIENT_ID and "
            + "PLUGIN_AZURE_TENANT_ID");
      }
      storage.put("storage.azure.client-id", client.get());
      storage.put("storage.azure.tenant-id", tenant.get());
      if (token.isPresent()) {
        method = "oidc-token";
        storage.put("storage.azure.oidc-token", token.get());
      } else {
        method = "client-secret";
        storage.put("storage.azure.client-secret", secret.get());
      }
      notes.add("azure auth: " + method + " (client " + client.get() + ", tenant " + tenant.get() + ")");
    } else if (key.isPresent()) {
      method = "account-key";
      storage.put("storage.azure.account-key", key.get());
      notes.add("azure auth: account-key (account " + value("PLUGIN_ACCOUNT_NAME").orElse("?") + ")");
    } else {
      method = "auto";
      notes.add("azure auth: auto (no PLUGIN_AZURE_OIDC_TOKEN, PLUGIN_AZURE_CLIENT_SECRET or PLUGIN_ACCOUNT_KEY; "
          + "the provider's chain decides)");
    }
    storage.put("storage.azure.auth", method);
  }

  private void put(String variable, String key) {
    value(variable).ifPresent(v -> storage.put(key, v));
  }

  private Optional<String> value(String... variables) {
    return Arrays.stream(variables).map(env::get).filter(v -> v != null && !v.isBlank()).map(String::trim)
        .findFirst();
  }

  private Optional<List<String>> list(String variable) {
    return value(variable).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .filter(l -> !l.isEmpty());
  }

  private boolean flag(String variable) {
    return value(variable).map(v -> bool(variable, v)).orElse(false);
  }

  private static boolean bool(String variable, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new ConfigException("plugin mode: " + variable + ": expected true or false, got '" + value + "'");
    }
  }
}
