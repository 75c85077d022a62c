package io.kafkabackup.storage.filesystem;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the temporary files ({@code #tmp.*}) of writes that never finished — a process killed in the
 * middle of a write leaves its file beside the objects, where no listing shows it — once they have not
 * been written for the grace period. A write in progress writes its file far more often than that, so it
 * is never touched. Listings remove the stale files they pass ({@code prune}, {@code cache flush}, any
 * {@code list}), and a writer sweeps its directory at most once per tenth of the grace period.
 */
final class StaleTempFiles {
  private static final Logger LOG = LoggerFactory.getLogger(StaleTempFiles.class);

  private final Duration grace;
  private final Map<Path, Long> lastSweepNanos = new ConcurrentHashMap<>();

  StaleTempFiles(Duration grace) {
    this.grace = grace;
  }

  /** Whether a directory entry's name is one of this backend's temporary files. */
  static boolean isTempName(String fileName) {
    return fileName.startsWith(FileSystemPaths.TEMP_PREFIX);
  }

  /** Deletes {@code file}, a temporary file, if nothing has written it for the grace period. */
  void deleteIfStale(Path file) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isBefore(Instant.now().minus(grace))) {
        Files.deleteIfExists(file);
        LOG.info("removed {}, left by a write that did not finish ({} bytes, last written {})", file, attrs.size(),
            attrs.lastModifiedTime());
      }
    } catch (NoSuchFileException e) {
      // its write finished (renamed or linked) or another sweep took it
    } catch (IOException e) {
      LOG.debug("could not remove the stale temporary file {}: {}", file, e.toString());
    }
  }

  /** Before a write in {@code dir}: removes its stale temporary files, unless that was done recently. */
  void sweepIfDue(Path dir) {
    long now = System.nanoTime();
    long every = grace.toNanos() / 10;
    Long last = lastSweepNanos.get(dir);
    if (last != null && now - last < every) {
      return;
    }
    lastSweepNanos.put(dir, now);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isTempName(p.getFileName().toString()))) {
      entries.forEach(this::deleteIfStale);
    } catch (NoSuchFileException | NotDirectoryException e) {
      // nothing to sweep
    } catch (IOException e) {
      LOG.debug("could not sweep {}: {}", dir, e.toString());
    }
  }
}
