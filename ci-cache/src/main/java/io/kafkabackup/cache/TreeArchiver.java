package io.kafkabackup.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes mounts as one tar stream, entry by entry, straight into the caller's stream: no temporary
 * archive, memory bounded by one copy buffer. Entry names are the mount followed by the path inside it,
 * with {@code /}; modes, modification times and symbolic links are kept (POSIX/PAX headers for long
 * names, large sizes and sub-second times). A link whose target leaves its mount is skipped and reported,
 * since a restore refuses it.
 */
final class TreeArchiver {
  private static final int TYPE_FILE = 0100000;
  private static final int TYPE_DIRECTORY = 040000;

  /** What was archived. */
  record Stats(long files, long directories, long symlinks, long contentBytes, List<String> skippedLinks) {
  }

  private final Path workdir;
  private final boolean skipSymlinks;
  private final byte[] buffer = new byte[128 * 1024];
  private long files;
  private long directories;
  private long symlinks;
  private long contentBytes;
  private final List<String> skippedLinks = new ArrayList<>();

  private TreeArchiver(Path workdir, boolean skipSymlinks) {
    this.workdir = workdir;
    this.skipSymlinks = skipSymlinks;
  }

  /** Archives {@code mounts} (checked relative paths under {@code workdir}) into {@code out}, left open. */
  static Stats write(Path workdir, List<String> mounts, boolean skipSymlinks, OutputStream out) throws IOException {
    TreeArchiver archiver = new TreeArchiver(workdir, skipSymlinks);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    for (String mount : mounts) {
      archiver.mount(tar, mount);
    }
    tar.finish();
    tar.flush();
    return new Stats(archiver.files, archiver.directories, archiver.symlinks, archiver.contentBytes,
        List.copyOf(archiver.skippedLinks));
  }

  private void mount(TarArchiveOutputStream tar, String mount) throws IOException {
    Path root = workdir.resolve(mount);
    Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name(mount, root, dir) + "/");
            entry.setMode(TYPE_DIRECTORY | mode(dir, 0755));
            entry.setLastModifiedTime(attrs.lastModifiedTime());
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            directories++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (attrs.isSymbolicLink()) {
              link(tar, mount, root, file);
            } else if (attrs.isRegularFile()) {
              file(tar, mount, root, file, attrs);
            } else {
              throw new CacheException("mount '" + mount + "': " + file + " is neither a file, a directory nor a"
                  + " symbolic link; a cache holds only those");
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void file(TarArchiveOutputStream tar, String mount, Path root, Path file, BasicFileAttributes attrs)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name(mount, root, file));
    entry.setMode(TYPE_FILE | mode(file, 0644));
    entry.setSize(attrs.size());
    entry.setLastModifiedTime(attrs.lastModifiedTime());
    tar.putArchiveEntry(entry);
    long copied = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; copied < attrs.size() && (n = in.read(buffer, 0, (int) Math.min(buffer.length,
          attrs.size() - copied))) > 0; ) {
        tar.write(buffer, 0, n);
        copied += n;
      }
      if (copied != attrs.size() || in.read() >= 0) {
        throw new CacheException("mount '" + mount + "': " + file + " changed size while it was archived");
      }
    }
    tar.closeArchiveEntry();
    files++;
    contentBytes += copied;
  }

  private void link(TarArchiveOutputStream tar, String mount, Path root, Path link) throws IOException {
    String name = name(mount, root, link);
    Path target = Files.readSymbolicLink(link);
    if (skipSymlinks || !SafePaths.linkStaysInside(name, target.toString(), mount)) {
      if (!skipSymlinks) {
        skippedLinks.add(name + " -> " + target);
      }
      return;
    }
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    entry.setLinkName(target.toString().replace('\\', '/'));
    entry.setMode(0120777);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    symlinks++;
  }

  private static String name(String mount, Path root, Path path) {
    String relative = root.relativize(path).toString().replace('\\', '/');
    return relative.isEmpty() ? mount : mount + "/" + relative;
  }

  private static int mode(Path path, int fallback) throws IOException {
    try {
      return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return fallback;
    }
  }
}
