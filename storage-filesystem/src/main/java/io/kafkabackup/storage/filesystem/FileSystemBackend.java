package io.kafkabackup.storage.filesystem;

import io.kafkabackup.storage.BulkDeleteException;
import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.Capabilities;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PermissionDeniedException;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.UnsupportedStorageOperationException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.kit.AbstractObjectWriter;
import io.kafkabackup.storage.kit.StreamUploads;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@link StorageBackend} on a local or mounted filesystem.
 *
 * <p>Each object is one file under the root, its key segments becoming directories (see
 * {@code FileNames} for how names are encoded). Writes go to a temporary file in the target directory,
 * are fsync'ed and then renamed into place, so readers never see a partial object. Create-only commits
 * with {@code link(2)}, which fails atomically if the name is taken; every commit and delete of a key
 * runs under a per-key lock shared by threads and processes, so if-match is a true compare-and-swap.
 * The etag is a random version id stored in an extended attribute, as are content type and user
 * metadata. Keys can never resolve outside the root, including through symbolic links.
 *
 * <p>Unlike object stores, a filesystem cannot hold both an object {@code a} and an object {@code a/b}:
 * such a write fails with a {@link StorageException} naming both keys.
 */
public final class FileSystemBackend implements StorageBackend {
  private static final String TEMP_PREFIX = "#tmp.";
  private static final String XATTR_VERSION = "kbs.version";
  private static final String XATTR_CONTENT_TYPE = "kbs.content-type";
  private static final String XATTR_META = "kbs.meta.";
  private static final int WRITE_BUFFER = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Cleaner CLEANER = Cleaner.create();

  private final Path root;
  private final KeyPrefix prefix;
  private final boolean fsync;
  private final boolean xattrs;
  private final KeyLocks locks;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Opens a backend on an existing directory.
   *
   * @param root the directory that holds every object
   * @param prefix the part of the tree this backend is confined to
   * @param fsync whether to fsync files and directories on commit (turn off only for scratch data)
   * @throws StorageException if the root is not a writable directory
   */
  public FileSystemBackend(Path root, KeyPrefix prefix, boolean fsync) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.fsync = fsync;
    try {
      this.root = root.toRealPath();
      if (!Files.isDirectory(this.root)) {
        throw new StorageException("storage root " + root + " is not a directory");
      }
      this.locks = new KeyLocks(this.root);
      this.xattrs = probeExtendedAttributes(this.root);
    } catch (IOException e) {
      throw new StorageException("cannot use storage root " + root + ": " + e, e);
    }
  }

  @Override
  public String type() {
    return FileSystemBackendProvider.TYPE;
  }

  @Override
  public KeyPrefix prefix() {
    return prefix;
  }

  /**
   * The root directory.
   *
   * @return the real path of the root
   */
  public Path root() {
    return root;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, true, xattrs, false, 1, Long.MAX_VALUE);
  }

  @Override
  public ObjectMetadata put(ObjectKey key, InputStream data, long length, PutOptions options) {
    try {
      return StreamUploads.write(openWriter(key, options), data, length);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public ObjectWriter openWriter(ObjectKey key, PutOptions options) {
    ensureOpen();
    checkMetadataSupported(options);
    try {
      return new FsWriter(key, options);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public InputStream openStream(ObjectKey key) {
    ensureOpen();
    FileChannel channel = openForRead(key);
    return Channels.newInputStream(channel);
  }

  @Override
  public InputStream openStream(ObjectKey key, ByteRange range) {
    ensureOpen();
    FileChannel channel = openForRead(key);
    try {
      long length = range.lengthWithin(channel.size());
      channel.position(range.offset());
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof InvalidRangeException) {
        throw new InvalidRangeException("'" + key + "': " + e.getMessage());
      }
      throw e instanceof IOException ? translate((IOException) e, key) : (RuntimeException) e;
    }
  }

  @Override
  public ObjectMetadata stat(ObjectKey key) {
    ensureOpen();
    try {
      Path path = safePath(key);
      return metadataOf(key, path);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  @Override
  public Stream<ListEntry> list(ListOptions options) {
    ensureOpen();
    String fullPrefix = prefix.applyToListPrefix(options.prefix());
    int slash = fullPrefix.lastIndexOf('/');
    String dirPart = slash < 0 ? "" : fullPrefix.substring(0, slash);
    String namePrefix = fullPrefix.substring(slash + 1);
    if (!dirPart.isEmpty() && List.of(dirPart.split("/", -1)).stream()
        .anyMatch(segment -> segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
      return Stream.empty(); // no key has such a segment; and it must never walk out of the root
    }
    Path dir = dirPart.isEmpty() ? root : resolve(root, dirPart);
    String dirKey = dirPart.isEmpty() ? "" : dirPart + "/";
    if (Files.isDirectory(dir)) {
      try {
        checkInsideRoot(dir, dirPart);
      } catch (IOException e) {
        throw new StorageException("cannot list '" + options.prefix() + "': " + e, e, true);
      }
    }
    Iterator<ListEntry> entries = new TreeIterator(dir, dirKey, namePrefix, options.delimiter().isPresent());
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries,
        Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
  }

  @Override
  public void delete(ObjectKey key) {
    ensureOpen();
    try {
      Path path = unlink(key);
      if (path != null) {
        syncDirectory(path.getParent());
        pruneEmptyDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  /** Deletes each key, then syncs each directory once rather than once per key. */
  @Override
  public void deleteAll(Collection<ObjectKey> keys) {
    ensureOpen();
    List<ObjectKey> failed = new ArrayList<>();
    List<StorageException> errors = new ArrayList<>();
    Map<Path, List<ObjectKey>> deletedIn = new LinkedHashMap<>();
    for (ObjectKey key : keys) {
      try {
        Path path = unlink(key);
        if (path != null) {
          deletedIn.computeIfAbsent(path.getParent(), d -> new ArrayList<>()).add(key);
        }
      } catch (IOException e) {
        failed.add(key);
        errors.add(translate(e, key));
      } catch (StorageException e) {
        failed.add(key);
        errors.add(e);
      }
    }
    // Sync every directory before pruning any: pruning one may remove its emptied parent.
    for (Map.Entry<Path, List<ObjectKey>> dir : deletedIn.entrySet()) {
      try {
        syncDirectory(dir.getKey());
      } catch (NoSuchFileException e) {
        // pruned meanwhile by a concurrent delete: nothing left in it to make durable
      } catch (IOException e) {
        failed.addAll(dir.getValue());
        errors.add(translate(e, dir.getValue().get(0)));
      }
    }
    deletedIn.keySet().forEach(this::pruneEmptyDirectories);
    if (!errors.isEmpty()) {
      throw new BulkDeleteException(failed, errors);
    }
  }

  /** Removes the key's file under its lock; returns its path, or {@code null} if there was none. */
  private Path unlink(ObjectKey key) throws IOException {
    Path path = safePath(key);
    try {
      boolean deleted = locks.withLock(prefix.apply(key),
          () -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(path));
      return deleted ? path : null;
    } catch (NoSuchFileException e) {
      return null; // already gone: delete is idempotent
    }
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return "FileSystemBackend{root=" + root + ", prefix=" + prefix + "}";
  }

  // ---- paths ----

  private Path pathOf(ObjectKey key) {
    return resolve(root, prefix.apply(key));
  }

  /** The key's path, once its existing directories are known to stay inside the root. */
  private Path safePath(ObjectKey key) throws IOException {
    Path path = pathOf(key);
    checkInsideRoot(path.getParent(), key);
    return path;
  }

  private static Path resolve(Path base, String slashSeparated) {
    Path p = base;
    for (String segment : slashSeparated.split("/", -1)) {
      p = p.resolve(FileNames.encode(segment));
    }
    return p;
  }

  /** Refuses paths whose existing directories lead outside the root through a symbolic link. */
  private void checkInsideRoot(Path dir, Object key) throws IOException {
    Path existing = dir;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.toRealPath().startsWith(root)) {
      throw new PermissionDeniedException("key '" + key + "' resolves outside the storage root through a symbolic link");
    }
  }

  private FileChannel openForRead(ObjectKey key) {
    try {
      Path path = safePath(key);
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw notFound(key);
      }
      return FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw translate(e, key);
    }
  }

  // ---- metadata ----

  private ObjectMetadata metadataOf(ObjectKey key, Path path) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw notFound(key);
    }
    String contentType = PutOptions.DEFAULT_CONTENT_TYPE;
    Map<String, String> metadata = new TreeMap<>();
    String version = null;
    if (xattrs) {
      UserDefinedFileAttributeView view = xattrView(path);
      for (String name : view.list()) {
        if (name.equals(XATTR_VERSION)) {
          version = readXattr(view, name);
        } else if (name.equals(XATTR_CONTENT_TYPE)) {
          contentType = readXattr(view, name);
        } else if (name.startsWith(XATTR_META)) {
          metadata.put(name.substring(XATTR_META.length()), readXattr(view, name));
        }
      }
    }
    return new ObjectMetadata(key, attrs.size(), version != null ? version : attributeEtag(attrs),
        attrs.lastModifiedTime().toInstant(), contentType, metadata);
  }

  private String etagOf(Path path, BasicFileAttributes attrs) throws IOException {
    if (xattrs) {
      UserDefinedFileAttributeView view = xattrView(path);
      if (view.list().contains(XATTR_VERSION)) {
        return readXattr(view, XATTR_VERSION);
      }
    }
    return attributeEtag(attrs);
  }

  /** The etag of a file written without a version attribute (by hand, or where xattrs are missing). */
  private static String attributeEtag(BasicFileAttributes attrs) {
    return "a-" + Integer.toHexString(Objects.hashCode(attrs.fileKey())) + "-" + Long.toHexString(attrs.size())
        + "-" + Long.toHexString(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  private static UserDefinedFileAttributeView xattrView(Path path) {
    return Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static String readXattr(UserDefinedFileAttributeView view, String name) throws IOException {
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

  private static void writeXattr(UserDefinedFileAttributeView view, String name, String value) throws IOException {
    view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean probeExtendedAttributes(Path dir) {
    Path probe = dir.resolve(TEMP_PREFIX + "probe." + randomId());
    try {
      Files.createFile(probe);
      UserDefinedFileAttributeView view = xattrView(probe);
      if (view == null) {
        return false;
      }
      writeXattr(view, XATTR_VERSION, "probe");
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

  private void checkMetadataSupported(PutOptions options) {
    if (!xattrs && (!options.metadata().isEmpty()
        || !options.contentType().equals(PutOptions.DEFAULT_CONTENT_TYPE))) {
      throw new UnsupportedStorageOperationException("the filesystem under " + root
          + " has no extended attributes, so content types and user metadata cannot be stored");
    }
  }

  private static String randomId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  // ---- writing ----

  /** The temporary file of a write in progress; also what the cleaner removes if a writer is dropped. */
  private static final class TempFile implements Runnable {
    final Path path;
    final FileChannel channel;
    volatile boolean committed;

    TempFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public void run() {
      closeQuietly(channel);
      if (!committed) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // Temporary files are invisible to listings; nothing more to do.
        }
      }
    }
  }

  private final class FsWriter extends AbstractObjectWriter {
    private final PutOptions options;
    private final Path target;
    private final TempFile temp;
    private final Cleaner.Cleanable cleanable;
    private final OutputStream out;

    FsWriter(ObjectKey key, PutOptions options) throws IOException {
      super(key);
      this.options = options;
      this.target = pathOf(key);
      this.temp = createTempFile(key, target);
      this.cleanable = CLEANER.register(this, temp);
      this.out = new BufferedOutputStream(Channels.newOutputStream(temp.channel), WRITE_BUFFER);
    }

    @Override
    protected void doWrite(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    protected ObjectMetadata doCommit() throws IOException {
      try {
        out.flush();
        if (xattrs) {
          UserDefinedFileAttributeView view = xattrView(temp.path);
          writeXattr(view, XATTR_VERSION, randomId());
          if (!options.contentType().equals(PutOptions.DEFAULT_CONTENT_TYPE)) {
            writeXattr(view, XATTR_CONTENT_TYPE, options.contentType());
          }
          for (Map.Entry<String, String> e : options.metadata().entrySet()) {
            writeXattr(view, XATTR_META + e.getKey(), e.getValue());
          }
        }
        if (fsync) {
          temp.channel.force(true);
        }
        temp.channel.close();
        ensureOpen();
        ObjectMetadata meta = locks.withLock(prefix.apply(key()), () -> {
          commit(temp.path, target, options.mode(), key());
          temp.committed = true;
          return metadataOf(key(), target);
        });
        syncDirectory(target.getParent());
        return meta;
      } catch (IOException e) {
        throw translate(e, key());
      } finally {
        cleanable.clean();
      }
    }

    @Override
    protected void doAbort() {
      cleanable.clean();
    }
  }

  private TempFile createTempFile(ObjectKey key, Path target) throws IOException {
    Path dir = target.getParent();
    // A concurrent delete may prune the directory between creating it and the temp file: try again.
    for (int attempt = 0; ; attempt++) {
      try {
        createDirectories(dir, key);
        checkInsideRoot(dir, key);
        Path path = dir.resolve(TEMP_PREFIX + randomId());
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
        return new TempFile(path, channel);
      } catch (NoSuchFileException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private void createDirectories(Path dir, ObjectKey key) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw conflict(key);
    }
  }

  private void commit(Path temp, Path target, WriteMode mode, ObjectKey key) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw conflict(key);
    }
    if (mode instanceof WriteMode.CreateOnly) {
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new ObjectAlreadyExistsException("object '" + key + "' already exists");
      } finally {
        Files.deleteIfExists(temp);
      }
      return;
    }
    if (mode instanceof WriteMode.IfMatch) {
      String expected = ((WriteMode.IfMatch) mode).etag();
      String current;
      try {
        current = metadataOf(key, target).etag();
      } catch (NoSuchFileException | ObjectNotFoundException e) {
        throw new PreconditionFailedException("if-match write of '" + key + "' failed: the object does not exist");
      }
      if (!current.equals(expected)) {
        throw new PreconditionFailedException("if-match write of '" + key + "' failed: expected etag "
            + expected + " but the object is at " + current);
      }
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void syncDirectory(Path dir) throws IOException {
    if (fsync) {
      try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  private void pruneEmptyDirectories(Path dir) {
    Path d = dir;
    while (d != null && !d.equals(root) && d.startsWith(root) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        return; // not empty (or already gone / in use): stop pruning
      }
      d = d.getParent();
    }
  }

  // ---- listing ----

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
            next = new ListEntry.Prefix(prefix.strip(fullName + "/"));
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
        key = ObjectKey.of(prefix.strip(fullName));
      } catch (StorageException e) {
        return null; // a file this backend did not write, under a name no key can have
      }
      try {
        BasicFileAttributes attrs = Files.readAttributes(c.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String etag = etagOf(c.path, attrs);
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
        String segment = FileNames.decode(p.getFileName().toString());
        if (segment == null) {
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

  // ---- errors ----

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("storage backend is closed");
    }
  }

  private static ObjectNotFoundException notFound(ObjectKey key) {
    return new ObjectNotFoundException("object '" + key + "' not found");
  }

  private static StorageException conflict(ObjectKey key) {
    return new StorageException("key '" + key + "' cannot be stored: the filesystem backend cannot hold an "
        + "object and a key below it (such as 'a' and 'a/b') at the same time");
  }

  private static StorageException translate(IOException e, ObjectKey key) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException
        || e instanceof FileSystemException && "Not a directory".equals(((FileSystemException) e).getReason())) {
      return notFound(key);
    }
    if (e instanceof AccessDeniedException) {
      return new PermissionDeniedException("permission denied on '" + key + "': " + e.getMessage(), e);
    }
    if (e instanceof FileSystemLoopException) {
      return new PermissionDeniedException("key '" + key + "' is a symbolic link", e);
    }
    if (e instanceof FileSystemException && "Too many levels of symbolic links".equals(((FileSystemException) e).getReason())) {
      return new PermissionDeniedException("key '" + key + "' is a symbolic link", e);
    }
    if (e instanceof FileSystemException && "Is a directory".equals(((FileSystemException) e).getReason())) {
      return conflict(key);
    }
    return new StorageException("I/O error on '" + key + "': " + e, e, true);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // nothing useful to do
    }
  }

  /** Reads at most {@code remaining} bytes of a stream. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
