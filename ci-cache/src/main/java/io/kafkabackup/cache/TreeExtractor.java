package io.kafkabackup.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts a cache's tar stream into an empty staging directory, refusing every entry that could land
 * outside its mount: names are checked on text ({@link SafePaths}), nothing is written through a link the
 * archive created, link targets must stay in their mount, and only files, directories and symbolic links
 * are accepted. Modes keep the permission bits only (no set-id or sticky bits); directory modes and times
 * are applied last, so a read-only directory still receives its children.
 */
final class TreeExtractor {
  /** What was extracted. */
  record Stats(long files, long directories, long symlinks, long contentBytes) {
  }

  private record Directory(Path path, int mode, FileTime modified) {
  }

  private final Path staging;
  private final List<String> mounts;
  private final Set<String> links = new HashSet<>();
  /** Directories known to exist, so a file's parent is created (and checked) once, not per file. */
  private final Set<Path> created = new HashSet<>();
  private final List<Directory> directories = new ArrayList<>();
  private final byte[] buffer = new byte[128 * 1024];
  private final boolean posix;
  private long files;
  private long contentBytes;

  private TreeExtractor(Path staging, List<String> mounts) throws IOException {
    this.staging = staging;
    this.mounts = mounts;
    this.posix = Files.getFileStore(staging).supportsFileAttributeView("posix");
  }

  /** Reads tar entries from {@code in} until the archive's end into {@code staging}. */
  static Stats extract(InputStream in, Path staging, List<String> mounts) throws IOException {
    TreeExtractor extractor = new TreeExtractor(staging, mounts);
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
      extractor.entry(tar, entry);
    }
    // Deepest first, so a parent's time is set after its children stopped changing it.
    for (int i = extractor.directories.size() - 1; i >= 0; i--) {
      Directory d = extractor.directories.get(i);
      extractor.permissions(d.path, d.mode);
      Files.setLastModifiedTime(d.path, d.modified);
    }
    return new Stats(extractor.files, extractor.directories.size(), extractor.links.size(), extractor.contentBytes);
  }

  private void entry(TarArchiveInputStream tar, TarArchiveEntry entry) throws IOException {
    String name = entry.getName();
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    String problem = SafePaths.problem(name);
    if (problem != null) {
      throw new UnsafeArchiveException(entry.getName(), problem);
    }
    String mount = SafePaths.mountOf(name, mounts);
    if (mount == null) {
      throw new UnsafeArchiveException(name, "it lies outside the cached mounts " + mounts);
    }
    for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
      if (links.contains(name.substring(0, slash))) {
        throw new UnsafeArchiveException(name, "it would be written through the symbolic link '"
            + name.substring(0, slash) + "'");
      }
    }
    if (links.contains(name)) {
      throw new UnsafeArchiveException(name, "it would replace a symbolic link");
    }
    Path target = staging.resolve(name);
    if (entry.isDirectory()) {
      directory(target);
      directories.add(new Directory(target, entry.getMode(), entry.getLastModifiedTime()));
    } else if (entry.isSymbolicLink()) {
      String linkTarget = entry.getLinkName();
      if (!SafePaths.linkStaysInside(name, linkTarget, mount)) {
        throw new UnsafeArchiveException(name, "its link target '" + linkTarget + "' leaves the mount '" + mount
            + "'");
      }
      directory(target.getParent());
      Files.deleteIfExists(target);
      Files.createSymbolicLink(target, target.getFileSystem().getPath(linkTarget));
      links.add(name);
    } else if (entry.getLinkFlag() == TarConstants.LF_NORMAL || entry.getLinkFlag() == TarConstants.LF_OLDNORM) {
      directory(target.getParent());
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        for (int n; (n = tar.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
          contentBytes += n;
        }
      }
      permissions(target, entry.getMode());
      Files.setLastModifiedTime(target, entry.getLastModifiedTime());
      files++;
    } else {
      throw new UnsafeArchiveException(name, "entry type '" + (char) entry.getLinkFlag()
          + "' (hard link, device or FIFO) is not allowed in a cache");
    }
  }

  private void directory(Path dir) throws IOException {
    if (created.add(dir)) {
      Files.createDirectories(dir);
    }
  }

  private void permissions(Path path, int mode) throws IOException {
    if (!posix) {
      return;
    }
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values();
    // PosixFilePermission lists OWNER_READ (0400) down to OTHERS_EXECUTE (0001).
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        permissions.add(bits[i]);
      }
    }
    Files.setPosixFilePermissions(path, permissions);
  }
}
