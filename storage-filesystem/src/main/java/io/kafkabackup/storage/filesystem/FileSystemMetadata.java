package io.kafkabackup.storage.filesystem;

import static io.kafkabackup.storage.filesystem.FileSystemErrors.notFound;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.UnsupportedStorageOperationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An object's metadata on disk: size and time from the file, the etag (a random version id written
 * with every commit), content type and user metadata from extended attributes. Where the filesystem has
 * none, the etag is derived from the file's identity, size and time, and content types and metadata
 * cannot be stored.
 */
final class FileSystemMetadata {
  private static final String XATTR_VERSION = "kbs.version";
  private static final String XATTR_CONTENT_TYPE = "kbs.content-type";
  private static final String XATTR_META = "kbs.meta.";

  private final Path root;
  private final boolean xattrs;

  /** Probes the root for extended attributes. */
  FileSystemMetadata(Path root) {
    this.root = root;
    this.xattrs = probeExtendedAttributes(root);
  }

  /** Whether extended attributes are available, so metadata is stored. */
  boolean stored() {
    return xattrs;
  }

  /** Fails if the options carry what this filesystem cannot store. */
  void checkSupported(PutOptions options) {
    if (!xattrs && (!options.metadata().isEmpty() || !options.contentType().equals(PutOptions.DEFAULT_CONTENT_TYPE))) {
      throw new UnsupportedStorageOperationException("the filesystem under " + root
          + " has no extended attributes, so content types and user metadata cannot be stored");
    }
  }

  /** Writes a new version id, the content type and the user metadata to a file about to be committed. */
  void writeNewVersion(Path path, PutOptions options) throws IOException {
    if (!xattrs) {
      return;
    }
    UserDefinedFileAttributeView view = view(path);
    write(view, XATTR_VERSION, FileSystemPaths.randomId());
    if (!options.contentType().equals(PutOptions.DEFAULT_CONTENT_TYPE)) {
      write(view, XATTR_CONTENT_TYPE, options.contentType());
    }
    for (Map.Entry<String, String> e : options.metadata().entrySet()) {
      write(view, XATTR_META + e.getKey(), e.getValue());
    }
  }

  /** The metadata of the object at a path. */
  ObjectMetadata read(ObjectKey key, Path path) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw notFound(key);
    }
    String contentType = PutOptions.DEFAULT_CONTENT_TYPE;
    Map<String, String> metadata = new TreeMap<>();
    String version = null;
    if (xattrs) {
      UserDefinedFileAttributeView view = view(path);
      for (String name : view.list()) {
        if (name.equals(XATTR_VERSION)) {
          version = read(view, name);
        } else if (name.equals(XATTR_CONTENT_TYPE)) {
          contentType = read(view, name);
        } else if (name.startsWith(XATTR_META)) {
          metadata.put(name.substring(XATTR_META.length()), read(view, name));
        }
      }
    }
    return new ObjectMetadata(key, attrs.size(), version != null ? version : attributeEtag(attrs),
        attrs.lastModifiedTime().toInstant(), contentType, metadata);
  }

  /** The etag of the object at a path whose attributes are known. */
  String etag(Path path, BasicFileAttributes attrs) throws IOException {
    if (xattrs) {
      // Read the version directly rather than listing the attributes first: the JDK opens the file for
      // each call, so this is one open instead of two for every entry of a listing.
      try {
        return read(view(path), XATTR_VERSION);
      } catch (NoSuchFileException gone) {
        throw gone;
      } catch (FileSystemException noVersion) {
        // written without a version attribute: by hand, or copied without its attributes
      }
    }
    return attributeEtag(attrs);
  }

  /** The etag of a file written without a version attribute (by hand, or where xattrs are missing). */
  private static String attributeEtag(BasicFileAttributes attrs) {
    return "a-" + Integer.toHexString(Objects.hashCode(attrs.fileKey())) + "-" + Long.toHexString(attrs.size())
        + "-" + Long.toHexString(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  private static UserDefinedFileAttributeView view(Path path) {
    return Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static String read(UserDefinedFileAttributeView view, String name) throws IOException {
    // Each call opens the file by path: read into a buffer that fits the usual value, and ask for the
    // size only when it does not.
    ByteBuffer buffer = ByteBuffer.allocate(256);
    try {
      view.read(name, buffer);
    } catch (FileSystemException tooSmall) {
      buffer = ByteBuffer.allocate(view.size(name));
      view.read(name, buffer);
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  private static void write(UserDefinedFileAttributeView view, String name, String value) throws IOException {
    view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean probeExtendedAttributes(Path dir) {
    Path probe = dir.resolve(FileSystemPaths.TEMP_PREFIX + "probe." + FileSystemPaths.randomId());
    try {
      Files.createFile(probe);
      UserDefinedFileAttributeView view = view(probe);
      if (view == null) {
        return false;
      }
      write(view, XATTR_VERSION, "probe");
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // A leftover probe is invisible to listings.
      }
    }
  }
}
