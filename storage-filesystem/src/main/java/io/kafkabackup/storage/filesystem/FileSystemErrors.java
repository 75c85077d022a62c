package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns the JDK's filesystem exceptions into the library's typed errors. */
final class FileSystemErrors {
  private FileSystemErrors() {
  }

  static ObjectNotFoundException notFound(ObjectKey key) {
    return new ObjectNotFoundException("object '" + key + "' not found");
  }

  /** A key that is a directory, or below a file: a filesystem cannot hold both {@code a} and {@code a/b}. */
  static StorageException conflict(ObjectKey key) {
    return new StorageException("key '" + key + "' cannot be stored: the filesystem backend cannot hold an "
        + "object and a key below it (such as 'a' and 'a/b') at the same time");
  }

  static StorageException translate(IOException e, ObjectKey key) {
    String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : null;
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException || "Not a directory".equals(reason)) {
      return notFound(key);
    }
    if (e instanceof AccessDeniedException) {
      return new PermissionDeniedException("permission denied on '" + key + "': " + e.getMessage(), e);
    }
    if (e instanceof FileSystemLoopException || "Too many levels of symbolic links".equals(reason)) {
      return new PermissionDeniedException("key '" + key + "' is a symbolic link", e);
    }
    if ("Is a directory".equals(reason)) {
      return conflict(key);
    }
    return new StorageException("I/O error on '" + key + "': " + e, e, true);
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing useful to do
    }
  }
}
