package io.kafkabackup.storage.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Plain NIO with the same durability as our filesystem provider: write a temporary file, force it to
 * disk, rename it into place, force the directory. What a careful hand-written writer would do, without
 * our locks, metadata (extended attributes), key encoding or symbolic-link checks.
 */
final class RawFilesystemTarget implements Target {
  private final Path root;

  RawFilesystemTarget(Path root) {
    this.root = root;
  }

  @Override
  public void upload(String key, InputStream data, long size) throws Exception {
    Path target = root.resolve(key);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".tmp" + System.nanoTime());
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = data.read(buffer)) > 0; ) {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
      out.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself must survive a crash
    }
  }

  @Override
  public long download(String key) throws Exception {
    return downloadTo(key, OutputStream.nullOutputStream());
  }

  @Override
  public long downloadTo(String key, OutputStream out) throws Exception {
    try (InputStream in = Files.newInputStream(root.resolve(key))) {
      return in.transferTo(out);
    }
  }

  @Override
  public void put(String key, byte[] data) throws Exception {
    upload(key, new ByteArrayInputStream(data), data.length);
  }

  @Override
  public void stat(String key) throws Exception {
    Files.readAttributes(root.resolve(key), BasicFileAttributes.class);
  }

  @Override
  public void get(String key) throws Exception {
    Files.readAllBytes(root.resolve(key));
  }

  @Override
  public long list(String prefix) throws Exception {
    try (Stream<Path> files = Files.walk(root.resolve(prefix))) {
      return files.filter(Files::isRegularFile).sorted().count(); // sorted: our listings are in key order
    }
  }

  @Override
  public void deleteAll(List<String> keys) throws Exception {
    for (String k : keys) {
      Files.deleteIfExists(root.resolve(k));
    }
  }
}
