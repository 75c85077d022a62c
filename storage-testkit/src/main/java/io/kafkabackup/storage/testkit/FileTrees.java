package io.kafkabackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Directory trees for archive tests: {@link #build} writes a tree shaped like a build cache (nested
 * directories, many small files, an empty directory, an executable, a read-only file, relative symbolic
 * links to a file and to a directory, old modification times), and {@link #snapshot} describes a tree as
 * a sorted map that two equal trees share: per path its type, permission bits, modification time to the
 * millisecond (directories and files), SHA-256 (files) or target (links).
 */
public final class FileTrees {
  private FileTrees() {
  }

  /**
   * Writes a tree under {@code root} (created if missing).
   *
   * @param root the tree's top directory
   * @param files how many small files (0–2 KiB of random bytes, 50 per directory, three levels deep)
   * @param seed the random seed, so two builds with one seed are identical
   * @throws IOException if the tree cannot be written
   */
  public static void build(Path root, int files, long seed) throws IOException {
    Random random = new Random(seed);
    Files.createDirectories(root);
    for (int i = 0; i < files; i++) {
      Path dir = root.resolve("d" + (i / 2500)).resolve("e" + (i / 250 % 10)).resolve("f" + (i / 50 % 5));
      Files.createDirectories(dir);
      byte[] content = new byte[random.nextInt(2048)];
      random.nextBytes(content);
      Path file = dir.resolve("file-" + i + ".bin");
      Files.write(file, content);
      Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochMilli(1_600_000_000_123L + i * 1000L)));
    }
    Files.createDirectories(root.resolve("empty/also-empty"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.writeString(bin.resolve("tool.sh"), "#!/bin/sh\necho cached\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(bin.resolve("tool.sh"), PosixFilePermissions.fromString("rwxr-x--x"));
    Files.writeString(bin.resolve("readonly.txt"), "do not touch", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(bin.resolve("readonly.txt"), PosixFilePermissions.fromString("r--r-----"));
    Files.createSymbolicLink(bin.resolve("tool"), Path.of("tool.sh"));
    Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("bin"));
    Files.createSymbolicLink(bin.resolve("up-and-down"), Path.of("../empty/also-empty"));
    Files.writeString(root.resolve("name with spaces and ünïcode ✓.txt"), "utf-8 name", StandardCharsets.UTF_8);
    Path deep = root.resolve("x".repeat(60) + "/" + "y".repeat(60) + "/" + "z".repeat(60));
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("long-name-" + "w".repeat(100) + ".txt"), "long path", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(root.resolve("empty"), FileTime.from(Instant.ofEpochMilli(1_500_000_000_456L)));
  }

  /**
   * Describes a tree.
   *
   * @param root the tree's top directory
   * @return path (relative, with {@code /}) to its description, sorted by path
   * @throws IOException if the tree cannot be read
   */
  public static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        out.put(name(root, dir), "dir " + mode(dir) + " " + attrs.lastModifiedTime().toMillis());
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isSymbolicLink()) {
          out.put(name(root, file), "link -> " + Files.readSymbolicLink(file));
        } else {
          out.put(name(root, file), "file " + mode(file) + " " + attrs.lastModifiedTime().toMillis() + " "
              + attrs.size() + " " + sha256(file));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  /**
   * Deletes a tree, deepest entries first; links are removed, never followed.
   *
   * @param root the tree's top directory (or a file); nothing happens if it does not exist
   * @throws IOException if an entry cannot be deleted
   */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String name(Path root, Path path) {
    String relative = root.relativize(path).toString().replace('\\', '/');
    return relative.isEmpty() ? "." : relative;
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
