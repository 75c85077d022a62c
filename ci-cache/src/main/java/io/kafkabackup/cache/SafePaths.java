package io.kafkabackup.cache;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The path rules of mounts and archive entries, checked on text only (never by asking the file system,
 * which an archive could have prepared): relative, {@code /}-separated, no empty, {@code .} or {@code ..}
 * segment, no backslash or NUL, no drive letter.
 */
final class SafePaths {
  private SafePaths() {
  }

  /** The reason {@code path} is not a clean relative path, or {@code null} when it is. */
  static String problem(String path) {
    if (path.isEmpty()) {
      return "the path is empty";
    }
    if (path.startsWith("/") || path.matches("^[A-Za-z]:.*")) {
      return "the path is absolute";
    }
    if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
      return "the path contains a backslash or NUL";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        return "the path contains '..'";
      }
      if (segment.isEmpty() || segment.equals(".")) {
        return "the path contains an empty or '.' segment";
      }
    }
    return null;
  }

  /** Checks mounts: clean relative paths, none inside another. */
  static List<String> checkMounts(List<String> mounts) {
    if (mounts.isEmpty()) {
      throw new CacheException("mount: at least one path to cache is required");
    }
    for (String mount : mounts) {
      String problem = problem(mount);
      if (problem != null) {
        throw new CacheException("mount '" + mount + "': " + problem + "; mounts are relative to the working"
            + " directory, without '..'");
      }
      for (String other : mounts) {
        if (other != mount && (other.equals(mount) || other.startsWith(mount + "/"))) {
          throw new CacheException("mount '" + other + "' lies inside mount '" + mount + "'; list each path once");
        }
      }
    }
    return List.copyOf(mounts);
  }

  /** The mount an entry name lies in, or {@code null}. */
  static String mountOf(String name, List<String> mounts) {
    for (String mount : mounts) {
      if (name.equals(mount) || name.startsWith(mount + "/")) {
        return mount;
      }
    }
    return null;
  }

  /**
   * Whether a link named {@code name} with {@code target} resolves to {@code mount} or a path below it.
   * Absolute targets never do. A target may climb with leading {@code ..} segments (through the link's
   * own parents, which are real directories since nothing is written through a link) and then descend
   * by names; {@code ..} after a name is refused, because that name may itself be a link and {@code ..}
   * would then climb from wherever it points.
   */
  static boolean linkStaysInside(String name, String target, String mount) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0
        || target.matches("^[A-Za-z]:.*")) {
      return false;
    }
    Deque<String> path = new ArrayDeque<>(List.of(name.split("/")));
    path.removeLast();
    boolean descending = false;
    for (String segment : target.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (path.isEmpty() || descending) {
          return false;
        }
        path.removeLast();
      } else {
        descending = true;
        path.addLast(segment);
      }
    }
    String resolved = String.join("/", path);
    return resolved.equals(mount) || resolved.startsWith(mount + "/");
  }
}
