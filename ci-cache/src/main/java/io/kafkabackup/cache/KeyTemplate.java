package io.kafkabackup.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders cache key templates in drone-cache's syntax, so existing {@code cache_key} settings keep
 * working: {@code {{ .Commit.Branch }}-{{ checksum "pom.xml" }}}. Supported inside {@code {{ }}}:
 *
 * <ul>
 *   <li>{@code checksum "file"}: SHA-256 (hex) of one file's content, relative to the working directory;
 *   <li>{@code hashFiles "glob" ["glob" …]}: SHA-256 over every matching file's path and content, in path
 *       order (globs as in {@code FileSystem.getPathMatcher("glob:…")}, such as {@code **}{@code /pom.xml});
 *   <li>{@code epoch} (seconds), {@code os} ({@code linux}, {@code darwin}, {@code windows}), {@code arch}
 *       ({@code amd64}, {@code arm64}, …) and {@code env "NAME"};
 *   <li>build metadata: {@code .Repo.Name}, {@code .Repo.Owner}, {@code .Repo.Namespace}, {@code .Repo.Branch},
 *       {@code .Commit.Branch}, {@code .Commit.SHA}, {@code .Commit.Ref}, {@code .Build.Number},
 *       {@code .Build.Event}, read from the CI's environment (Drone and Harness {@code DRONE_*}, then
 *       {@code CI_*}, then GitHub Actions' {@code GITHUB_*}); an unset value renders empty.
 * </ul>
 *
 * A missing file, a glob that matches nothing, or an unknown name is an error naming it: a key built
 * from nothing would share an entry between builds that should not.
 */
public final class KeyTemplate {
  private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}");
  private static final Pattern ARGUMENT = Pattern.compile("\"([^\"]*)\"|'([^']*)'|`([^`]*)`");
  private static final Map<String, List<String>> METADATA = new LinkedHashMap<>();

  static {
    METADATA.put(".Repo.Name", List.of("DRONE_REPO_NAME", "CI_REPO_NAME", "GITHUB_REPOSITORY"));
    METADATA.put(".Repo.Owner", List.of("DRONE_REPO_OWNER", "CI_REPO_OWNER", "GITHUB_REPOSITORY_OWNER"));
    METADATA.put(".Repo.Namespace", List.of("DRONE_REPO_NAMESPACE", "CI_REPO_NAMESPACE", "GITHUB_REPOSITORY_OWNER"));
    METADATA.put(".Repo.Branch", List.of("DRONE_REPO_BRANCH", "CI_REPO_DEFAULT_BRANCH"));
    METADATA.put(".Commit.Branch", List.of("DRONE_COMMIT_BRANCH", "DRONE_BRANCH", "CI_COMMIT_BRANCH",
        "GITHUB_HEAD_REF", "GITHUB_REF_NAME"));
    METADATA.put(".Commit.SHA", List.of("DRONE_COMMIT_SHA", "CI_COMMIT_SHA", "GITHUB_SHA"));
    METADATA.put(".Commit.Ref", List.of("DRONE_COMMIT_REF", "CI_COMMIT_REF", "GITHUB_REF"));
    METADATA.put(".Build.Number", List.of("DRONE_BUILD_NUMBER", "CI_BUILD_NUMBER", "GITHUB_RUN_NUMBER"));
    METADATA.put(".Build.Event", List.of("DRONE_BUILD_EVENT", "CI_BUILD_EVENT", "GITHUB_EVENT_NAME"));
  }

  private final Path workdir;
  private final Map<String, String> env;
  private final Clock clock;

  /**
   * Creates a renderer.
   *
   * @param workdir where {@code checksum} and {@code hashFiles} paths start
   * @param env the environment the build metadata is read from
   * @param clock the clock of {@code epoch}
   */
  public KeyTemplate(Path workdir, Map<String, String> env, Clock clock) {
    this.workdir = workdir;
    this.env = Map.copyOf(env);
    this.clock = clock;
  }

  /**
   * Renders a template; text outside {@code {{ }}} is kept as written.
   *
   * @param template such as {@code maven-{{ checksum "pom.xml" }}}
   * @return the key, checked (not blank, no control characters, at most 512 characters)
   * @throws CacheException naming the action that cannot be rendered
   */
  public String render(String template) {
    Matcher m = ACTION.matcher(template);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      out.append(template, last, m.start()).append(evaluate(m.group(1).trim(), template));
      last = m.end();
    }
    out.append(template.substring(last));
    if (out.indexOf("{{") >= 0) {
      throw new CacheException("cache key template '" + template + "': unclosed '{{'");
    }
    return CacheLayout.checkKey(out.toString().trim(), "cache key template '" + template + "'");
  }

  private String evaluate(String action, String template) {
    if (action.startsWith(".")) {
      List<String> variables = METADATA.get(action);
      if (variables == null) {
        throw new CacheException("cache key template '" + template + "': unknown field " + action + "; known: "
            + String.join(", ", METADATA.keySet()));
      }
      return variables.stream().map(env::get).filter(v -> v != null && !v.isEmpty()).findFirst().orElse("");
    }
    String function = action.split("\\s+", 2)[0];
    List<String> args = arguments(action.substring(function.length()), template, function);
    switch (function) {
      case "checksum":
        requireArgs(args, 1, 1, function, template);
        return checksum(args.get(0), template);
      case "hashFiles":
        requireArgs(args, 1, Integer.MAX_VALUE, function, template);
        return hashFiles(args, template);
      case "epoch":
        requireArgs(args, 0, 0, function, template);
        return Long.toString(clock.instant().getEpochSecond());
      case "os":
        requireArgs(args, 0, 0, function, template);
        return os();
      case "arch":
        requireArgs(args, 0, 0, function, template);
        return arch();
      case "env":
        requireArgs(args, 1, 1, function, template);
        return env.getOrDefault(args.get(0), "");
      default:
        throw new CacheException("cache key template '" + template + "': unknown function '" + function
            + "'; known: checksum, hashFiles, epoch, os, arch, env");
    }
  }

  private static List<String> arguments(String text, String template, String function) {
    List<String> args = new ArrayList<>();
    Matcher m = ARGUMENT.matcher(text);
    int last = 0;
    while (m.find()) {
      if (!text.substring(last, m.start()).isBlank()) {
        break;
      }
      args.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
      last = m.end();
    }
    if (!text.substring(last).isBlank()) {
      throw new CacheException("cache key template '" + template + "': " + function
          + " takes quoted arguments, got '" + text.trim() + "'");
    }
    return args;
  }

  private static void requireArgs(List<String> args, int min, int max, String function, String template) {
    if (args.size() < min || args.size() > max) {
      String expected = min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? "at least " + min : min + "-" + max;
      throw new CacheException("cache key template '" + template + "': " + function + " takes " + expected
          + " argument(s), got " + args.size());
    }
  }

  private String checksum(String file, String template) {
    Path path = workdir.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new CacheException("cache key template '" + template + "': checksum: no file " + path);
    }
    MessageDigest digest = sha256();
    update(digest, path);
    return HexFormat.of().formatHex(digest.digest());
  }

  private String hashFiles(List<String> globs, String template) {
    List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
        .toList();
    TreeSet<String> matched = new TreeSet<>();
    try {
      Files.walkFileTree(workdir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          // Version control metadata never decides a cache key.
          return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(workdir)
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          Path relative = workdir.relativize(file);
          if (attrs.isRegularFile() && matchers.stream().anyMatch(m -> m.matches(relative))) {
            matched.add(relative.toString().replace('\\', '/'));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new CacheException("cache key template '" + template + "': hashFiles: " + e.getMessage(), e);
    }
    if (matched.isEmpty()) {
      throw new CacheException("cache key template '" + template + "': hashFiles: no file under " + workdir
          + " matches " + globs);
    }
    MessageDigest digest = sha256();
    for (String relative : matched) {
      digest.update(relative.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      update(digest, workdir.resolve(relative));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, Path file) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new CacheException("cannot read " + file + " for the cache key: " + e.getMessage(), e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Go's {@code runtime.GOOS} names, as drone-cache renders them. */
  static String os() {
    String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return name.startsWith("mac") ? "darwin" : name.startsWith("windows") ? "windows" : name.replace(' ', '_');
  }

  /** Go's {@code runtime.GOARCH} names, as drone-cache renders them. */
  static String arch() {
    String name = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    switch (name) {
      case "x86_64":
      case "amd64":
        return "amd64";
      case "aarch64":
        return "arm64";
      case "x86":
      case "i386":
        return "386";
      default:
        return name;
    }
  }
}
