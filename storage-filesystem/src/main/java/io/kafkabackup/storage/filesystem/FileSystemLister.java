package io.kafkabackup.storage.filesystem;

import static io.kafkabackup.storage.filesystem.FileSystemErrors.translate;

import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.StorageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Lists keys in key order by walking the tree depth-first, one directory at a time, so a listing of any
 * size holds only the directories on its current path. With a delimiter, a directory is reported as a
 * prefix only if some object lies below it.
 */
final class FileSystemLister {
  private final FileSystemContext context;

  FileSystemLister(FileSystemContext context) {
    this.context = context;
  }

  Stream<ListEntry> list(ListOptions options) {
    FileSystemPaths paths = context.paths();
    String fullPrefix = paths.prefix().applyToListPrefix(options.prefix());
    int slash = fullPrefix.lastIndexOf('/');
    String dirPart = slash < 0 ? "" : fullPrefix.substring(0, slash);
    String namePrefix = fullPrefix.substring(slash + 1);
    if (!dirPart.isEmpty() && List.of(dirPart.split("/", -1)).stream()
        .anyMatch(segment -> segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
      return Stream.empty(); // no key has such a segment; and it must never walk out of the root
    }
    Path dir = dirPart.isEmpty() ? paths.root() : FileSystemPaths.resolve(paths.root(), dirPart);
    String dirKey = dirPart.isEmpty() ? "" : dirPart + "/";
    if (Files.isDirectory(dir)) {
      try {
        paths.checkInsideRoot(dir, dirPart);
      } catch (IOException e) {
        throw new StorageException("cannot list '" + options.prefix() + "': " + e, e, true);
      }
    }
    Iterator<ListEntry> entries = new TreeIterator(dir, dirKey, namePrefix, options.delimiter().isPresent());
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries,
        Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
  }

  /** A child of a directory, with the name it sorts by: the key segment, plus "/" for directories. */
  private record Child(Path path, String segment, boolean directory, String sortName) {
  }

  /** Walks the tree depth-first in key order, reading one directory at a time. */
  private final class TreeIterator implements Iterator<ListEntry> {
    private final boolean delimited;
    private final Deque<Iterator<Child>> stack = new ArrayDeque<>();
    private final Deque<String> keyPrefixes = new ArrayDeque<>();
    private ListEntry next;

    TreeIterator(Path dir, String dirKey, String namePrefix, boolean delimited) {
      this.delimited = delimited;
      List<Child> top = new ArrayList<>();
      for (Child c : children(dir)) {
        if (c.segment.startsWith(namePrefix)) {
          top.add(c);
        }
      }
      stack.push(top.iterator());
      keyPrefixes.push(dirKey);
    }

    @Override
    public boolean hasNext() {
      while (next == null && !stack.isEmpty()) {
        Iterator<Child> it = stack.peek();
        if (!it.hasNext()) {
          stack.pop();
          keyPrefixes.pop();
          continue;
        }
        Child c = it.next();
        String fullName = keyPrefixes.peek() + c.segment;
        if (!c.directory) {
          next = objectEntry(c, fullName);
        } else if (delimited) {
          if (containsObject(c.path)) {
            next = new ListEntry.Prefix(context.paths().prefix().strip(fullName + "/"));
          }
        } else {
          stack.push(children(c.path).iterator());
          keyPrefixes.push(fullName + "/");
        }
      }
      return next != null;
    }

    @Override
    public ListEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ListEntry e = next;
      next = null;
      return e;
    }

    private ListEntry objectEntry(Child c, String fullName) {
      ObjectKey key;
      try {
        key = ObjectKey.of(context.paths().prefix().strip(fullName));
      } catch (StorageException e) {
        return null; // a file this backend did not write, under a name no key can have
      }
      try {
        BasicFileAttributes attrs = Files.readAttributes(c.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String etag = context.metadata().etag(c.path, attrs);
        return new ListEntry.StoredObject(key, attrs.size(), etag, attrs.lastModifiedTime().toInstant());
      } catch (NoSuchFileException | ObjectNotFoundException e) {
        return null; // deleted while listing
      } catch (IOException e) {
        throw translate(e, key);
      }
    }
  }

  private List<Child> children(Path dir) {
    List<Child> result = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        String segment = FileNames.decode(name);
        if (segment == null) {
          if (StaleTempFiles.isTempName(name)) {
            context.staleTempFiles().deleteIfStale(p);
          }
          continue;
        }
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (isDir || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          result.add(new Child(p, segment, isDir, isDir ? segment + "/" : segment));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Collections.emptyList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + dir + ": " + e, e, true);
    }
    result.sort((a, b) -> ObjectKey.compareCodePoints(a.sortName, b.sortName));
    return result;
  }

  private boolean containsObject(Path dir) {
    for (Child c : children(dir)) {
      if (!c.directory || containsObject(c.path)) {
        return true;
      }
    }
    return false;
  }
}
