package io.kafkabackup.storage.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.InvalidRangeException;
import io.kafkabackup.storage.KeyPrefix;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import io.kafkabackup.storage.WriteMode;
import io.kafkabackup.storage.testkit.Digests;
import io.kafkabackup.storage.testkit.RandomStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The contract every {@link StorageBackend} must meet. A provider's test class extends this and
 * implements {@link #openBackend(KeyPrefix)}; every test then runs against that provider:
 *
 * <pre>{@code
 * class MyBackendContractTest extends StorageBackendContractTest {
 *   protected StorageBackend openBackend(KeyPrefix prefix) {
 *     return new MyBackend(server.endpoint(), prefix);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test works under its own random prefix, so tests share one store (one bucket or container)
 * without interfering and without cleaning up first. Objects a test leaves are deleted after it.
 */
public abstract class StorageBackendContractTest {
  private static final int MIB = 1024 * 1024;

  /** The backend under test, confined to this test's own prefix. */
  protected StorageBackend backend;
  private KeyPrefix testPrefix;
  private final List<StorageBackend> opened = new ArrayList<>();

  /** For subclasses. */
  protected StorageBackendContractTest() {
  }

  /**
   * Opens a backend of the provider under test, confined to {@code prefix}, on the same store for
   * every call of one test class.
   *
   * @param prefix the prefix the backend must join to every key
   * @return a new backend; the kit closes it
   */
  protected abstract StorageBackend openBackend(KeyPrefix prefix);

  /**
   * The size of the "large" objects the kit writes. Providers with multipart or block uploads should
   * return a size above their single-request threshold (and configure a small threshold for the test),
   * so the kit exercises that path; the default is 9 MiB plus a few bytes.
   *
   * @return a size in bytes
   */
  protected long largeObjectSize() {
    return 9L * MIB + 7;
  }

  /**
   * Names an emulator that checks If-Match and writes in two separate steps, so that concurrent if-match
   * writers can all pass on it although the real service lets only one through. The race test is then
   * reported as skipped with this reason; sequential if-match semantics are still tested. Only for test
   * servers: a provider for a real service must not override it.
   *
   * @return the reason, or {@code null} (the default) when the server checks atomically
   */
  protected String serverWithoutAtomicIfMatch() {
    return null;
  }

  @BeforeEach
  void openTestBackend(TestInfo info) {
    String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
    testPrefix = KeyPrefix.of("tck/" + method + "-" + UUID.randomUUID().toString().substring(0, 8));
    backend = open(testPrefix);
  }

  @AfterEach
  void closeBackends() {
    try (Stream<ListEntry> all = backend.list(ListOptions.all())) {
      backend.deleteAll(all.map(e -> ((ListEntry.StoredObject) e).key()).collect(Collectors.toList()));
    } finally {
      opened.forEach(StorageBackend::close);
    }
  }

  /**
   * Opens another backend for this test, closed after it.
   *
   * @param prefix the prefix, usually below this test's own prefix
   * @return the backend
   */
  protected StorageBackend open(KeyPrefix prefix) {
    StorageBackend b = openBackend(prefix);
    opened.add(b);
    return b;
  }

  // ---------------------------------------------------------------- put / get / stat

  @Test
  void putThenGetReturnsTheSameBytesAndStatDescribesThem() {
    byte[] data = randomBytes(1000, 1);
    Instant before = Instant.now().minusSeconds(300);
    ObjectMetadata written = backend.put(key("a/b/c.bin"), data);

    assertArrayEquals(data, backend.get(key("a/b/c.bin")));
    ObjectMetadata stat = backend.stat(key("a/b/c.bin"));
    assertEquals(key("a/b/c.bin"), stat.key());
    assertEquals(1000, stat.size());
    assertEquals(written.etag(), stat.etag());
    assertFalse(stat.etag().isBlank());
    assertEquals(PutOptions.DEFAULT_CONTENT_TYPE, stat.contentType());
    assertTrue(stat.lastModified().isAfter(before), "lastModified " + stat.lastModified());
    assertTrue(stat.lastModified().isBefore(Instant.now().plusSeconds(300)), "lastModified " + stat.lastModified());
    assertEquals(Map.of(), stat.userMetadata());
    assertTrue(backend.exists(key("a/b/c.bin")));
  }

  @Test
  void emptyObjectsAreStoredAndRead() throws IOException {
    backend.put(key("empty"), new byte[0]);
    assertArrayEquals(new byte[0], backend.get(key("empty")));
    assertEquals(0, backend.stat(key("empty")).size());
    try (InputStream in = backend.openStream(key("empty"))) {
      assertEquals(-1, in.read());
    }
    backend.put(key("empty-stream"), InputStream.nullInputStream(), StorageBackend.UNKNOWN_LENGTH, PutOptions.overwrite());
    assertEquals(0, backend.stat(key("empty-stream")).size());
  }

  @Test
  void overwriteReplacesContentAndChangesTheEtag() {
    ObjectMetadata first = backend.put(key("k"), bytes("one"));
    ObjectMetadata second = backend.put(key("k"), bytes("two, longer"));
    assertArrayEquals(bytes("two, longer"), backend.get(key("k")));
    assertNotEquals(first.etag(), second.etag());
    assertEquals(second.etag(), backend.stat(key("k")).etag());
  }

  @Test
  void etagsAreStableWhileTheObjectIsUnchanged() {
    ObjectMetadata written = backend.put(key("stable"), bytes("x"));
    assertEquals(written.etag(), backend.stat(key("stable")).etag());
    assertEquals(written.etag(), backend.stat(key("stable")).etag());
    assertEquals(written.etag(), listObjects("").get(0).etag());
  }

  @Test
  void streamsOfKnownLengthAreStored() throws IOException {
    byte[] data = randomBytes(3 * MIB + 11, 2);
    ObjectMetadata meta = backend.put(key("known"), new ByteArrayInputStream(data), data.length, PutOptions.overwrite());
    assertEquals(data.length, meta.size());
    try (InputStream in = backend.openStream(key("known"))) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void largeStreamsOfUnknownLengthAreStoredAndStreamedBack() throws IOException {
    long size = largeObjectSize();
    ObjectMetadata meta = backend.put(key("large/unknown"), new RandomStream(size, 3), StorageBackend.UNKNOWN_LENGTH,
        PutOptions.overwrite());
    assertEquals(size, meta.size());
    assertEquals(size, backend.stat(key("large/unknown")).size());
    try (InputStream in = backend.openStream(key("large/unknown"))) {
      assertEquals(Digests.sha256(new RandomStream(size, 3)), Digests.sha256(in));
    }
  }

  @Test
  void largeStreamsOfKnownLengthAreStoredAndStreamedBack() throws IOException {
    long size = largeObjectSize();
    backend.put(key("large/known"), new RandomStream(size, 4), size, PutOptions.overwrite());
    try (InputStream in = backend.openStream(key("large/known"))) {
      assertEquals(Digests.sha256(new RandomStream(size, 4)), Digests.sha256(in));
    }
  }

  @Test
  void aStreamShorterThanDeclaredStoresNothingAndKeepsThePreviousVersion() {
    backend.put(key("short"), bytes("previous"));
    assertThrows(StorageException.class, () -> backend.put(key("short"), new ByteArrayInputStream(new byte[10]), 20,
        PutOptions.overwrite()));
    assertThrows(StorageException.class, () -> backend.put(key("short-new"), new ByteArrayInputStream(new byte[10]),
        20, PutOptions.overwrite()));
    assertArrayEquals(bytes("previous"), backend.get(key("short")));
    assertFalse(backend.exists(key("short-new")));
  }

  @Test
  void aStreamLongerThanDeclaredStoresNothing() {
    assertThrows(StorageException.class, () -> backend.put(key("long"), new ByteArrayInputStream(new byte[30]), 20,
        PutOptions.overwrite()));
    assertFalse(backend.exists(key("long")));
  }

  @Test
  void aSourceThatFailsMidStreamStoresNothingAndKeepsThePreviousVersion() {
    long size = largeObjectSize();
    backend.put(key("fails"), bytes("previous"));
    for (long length : new long[] {size, StorageBackend.UNKNOWN_LENGTH}) {
      InputStream failing = new SequenceInputStream(new RandomStream(size / 2, 5), new FailingStream());
      assertThrows(RuntimeException.class, () -> backend.put(key("fails"), failing, length, PutOptions.overwrite()));
      InputStream failingNew = new SequenceInputStream(new RandomStream(size / 2, 5), new FailingStream());
      assertThrows(RuntimeException.class, () -> backend.put(key("fails-new"), failingNew, length, PutOptions.overwrite()));
    }
    assertArrayEquals(bytes("previous"), backend.get(key("fails")));
    assertFalse(backend.exists(key("fails-new")));
    assertEquals(List.of("fails"), listNames(ListOptions.all()));
  }

  /**
   * A failure of the caller's source is the caller's, not the network's: the put fails at once, is not
   * marked retryable, names the source's own error, and the source is never read again after it failed
   * (a retry of the request would have to).
   */
  @Test
  void aFailingSourceIsNeitherRetriedNorRetryable() {
    for (long length : new long[] {100, largeObjectSize(), StorageBackend.UNKNOWN_LENGTH}) {
      CountingFailingSource source = new CountingFailingSource(length == 100 ? 50 : largeObjectSize() / 2);
      StorageException e = assertThrows(StorageException.class, () -> backend.put(key("source-fails"), source, length,
          PutOptions.overwrite()));
      assertFalse(e.isRetryable(), "a failing source is not a transient fault: " + e);
      assertEquals(1, source.failures, "the source was read again after it failed (length " + length + ")");
      Throwable cause = e;
      while (cause != null && !"source failed mid-stream".equals(cause.getMessage())) {
        cause = cause.getCause();
      }
      assertTrue(cause != null, "the source's own error is in the cause chain: " + e);
      assertFalse(backend.exists(key("source-fails")));
    }
  }

  @Test
  void contentTypeAndUserMetadataAreStored() {
    assumeTrue(backend.capabilities().userMetadata(), "backend does not store metadata");
    String longValue = "x".repeat(1000); // near the limit of 1,024 characters per value
    PutOptions options = PutOptions.builder().contentType("application/json")
        .metadata("base_offset", "42").metadata("topic", "orders").metadata("checksums", longValue).build();
    backend.put(key("meta.json"), bytes("{}"), options);
    ObjectMetadata stat = backend.stat(key("meta.json"));
    assertEquals("application/json", stat.contentType());
    assertEquals(Map.of("base_offset", "42", "topic", "orders", "checksums", longValue), stat.userMetadata());
  }

  @Test
  void keysWithUnicodeSpacesAndSpecialCharactersRoundTrip() {
    List<String> names = List.of(
        "unicode/ünïcödé-日本語-😀.bin",
        "space/with space/and  two",
        "special/!$&'()*+,;=@~-_.x",
        "special/percent%20hash#question?amp&",
        "special/[brackets]{braces}^`|\"<>",
        "dots/..a/.b/c..d");
    for (String name : names) {
      backend.put(key(name), bytes(name));
    }
    for (String name : names) {
      assertArrayEquals(bytes(name), backend.get(key(name)), name);
      assertEquals(name.getBytes(StandardCharsets.UTF_8).length, backend.stat(key(name)).size(), name);
    }
    List<String> expected = new ArrayList<>(names);
    expected.sort(ObjectKey::compareCodePoints);
    assertEquals(expected, listNames(ListOptions.all()));
  }

  // ---------------------------------------------------------------- writer

  @Test
  void aWriterMakesTheObjectVisibleOnlyOnClose() throws IOException {
    byte[] data = randomBytes(2 * MIB + 3, 6);
    ObjectWriter writer = backend.openWriter(key("w/obj"), PutOptions.overwrite());
    writer.write(data, 0, MIB);
    writer.write(data[MIB]);
    writer.write(data, MIB + 1, data.length - MIB - 1);
    assertFalse(backend.exists(key("w/obj")), "visible before close");
    assertEquals(List.of(), listNames(ListOptions.all()));
    writer.close();
    assertArrayEquals(data, backend.get(key("w/obj")));
    assertEquals(data.length, writer.metadata().size());
    assertEquals(backend.stat(key("w/obj")).etag(), writer.metadata().etag());
    writer.close(); // idempotent
  }

  @Test
  void anAbortedWriterLeavesNothingAndKeepsThePreviousVersion() throws IOException {
    backend.put(key("w/kept"), bytes("previous"));
    ObjectWriter writer = backend.openWriter(key("w/kept"), PutOptions.overwrite());
    writer.write(randomBytes(MIB, 7));
    writer.abort();
    writer.close(); // no effect after abort
    assertArrayEquals(bytes("previous"), backend.get(key("w/kept")));

    ObjectWriter fresh = backend.openWriter(key("w/fresh"), PutOptions.overwrite());
    fresh.write(randomBytes(1000, 8));
    fresh.abort();
    assertFalse(backend.exists(key("w/fresh")));
    assertThrows(IOException.class, () -> fresh.write(1));
    assertThrows(IllegalStateException.class, fresh::metadata);
    assertEquals(List.of("w/kept"), listNames(ListOptions.all()));
  }

  @Test
  void aWriterThatIsNeverClosedLeavesNothingVisible() throws IOException {
    ObjectWriter writer = backend.openWriter(key("w/abandoned"), PutOptions.overwrite());
    writer.write(randomBytes(100_000, 9));
    writer.flush();
    assertFalse(backend.exists(key("w/abandoned")));
    assertEquals(List.of(), listNames(ListOptions.all()));
    writer.abort();
  }

  @Test
  void aCreateOnlyWriterFailsOnCloseIfTheKeyIsTaken() throws IOException {
    backend.put(key("w/taken"), bytes("first"));
    ObjectWriter writer = backend.openWriter(key("w/taken"), PutOptions.createOnly());
    writer.write(bytes("second"));
    assertThrows(ObjectAlreadyExistsException.class, writer::close);
    assertArrayEquals(bytes("first"), backend.get(key("w/taken")));
  }

  // ---------------------------------------------------------------- not found

  @Test
  void missingObjectsFailWithObjectNotFound() {
    ObjectKey missing = key("no/such/object");
    assertThrows(ObjectNotFoundException.class, () -> backend.get(missing));
    assertThrows(ObjectNotFoundException.class, () -> backend.openStream(missing).close());
    assertThrows(ObjectNotFoundException.class, () -> backend.get(missing, ByteRange.of(0, 10)));
    assertThrows(ObjectNotFoundException.class, () -> backend.stat(missing));
    assertThrows(ObjectNotFoundException.class, () -> backend.copy(missing, key("target"), WriteMode.overwrite()));
    assertFalse(backend.exists(missing));
    assertFalse(backend.exists(key("no")), "a 'directory' is not an object");
  }

  // ---------------------------------------------------------------- ranges

  @Test
  void rangeReadsReturnTheRequestedBytes() throws IOException {
    byte[] data = randomBytes(100_000, 10);
    backend.put(key("range"), data);
    assertArrayEquals(slice(data, 0, 100), backend.get(key("range"), ByteRange.of(0, 100)));
    assertArrayEquals(slice(data, 50_000, 1234), backend.get(key("range"), ByteRange.of(50_000, 1234)));
    assertArrayEquals(slice(data, 99_999, 1), backend.get(key("range"), ByteRange.of(99_999, 1)));
    assertArrayEquals(slice(data, 99_000, 1000), backend.get(key("range"), ByteRange.from(99_000)));
    assertArrayEquals(slice(data, 99_000, 1000), backend.get(key("range"), ByteRange.of(99_000, 5000)), "cut at end");
    try (InputStream in = backend.openStream(key("range"), ByteRange.of(10, 20))) {
      assertArrayEquals(slice(data, 10, 20), in.readAllBytes());
    }
  }

  @Test
  void rangesOfLargeObjectsUseLongOffsets() {
    long size = largeObjectSize();
    backend.put(key("large/range"), new RandomStream(size, 11), size, PutOptions.overwrite());
    byte[] expected = RandomStream.bytesAt(11, size - 4096, 4096);
    assertArrayEquals(expected, backend.get(key("large/range"), ByteRange.from(size - 4096)));
    assertThrows(InvalidRangeException.class, () -> backend.get(key("large/range"), ByteRange.of(5L << 30, 10)));
  }

  @Test
  void rangesStartingAtOrBeyondTheEndFailWithInvalidRange() {
    backend.put(key("short"), bytes("0123456789"));
    backend.put(key("empty"), new byte[0]);
    assertThrows(InvalidRangeException.class, () -> backend.get(key("short"), ByteRange.of(10, 1)));
    assertThrows(InvalidRangeException.class, () -> backend.get(key("short"), ByteRange.from(11)));
    assertThrows(InvalidRangeException.class, () -> backend.openStream(key("short"), ByteRange.of(100, 1)).close());
    assertThrows(InvalidRangeException.class, () -> backend.get(key("empty"), ByteRange.from(0)));
  }

  // ---------------------------------------------------------------- list

  @Test
  void listingReturnsKeysUnderAPrefixInCodePointOrder() {
    List<String> names = List.of("seg/b", "seg/a-1", "seg/a/x", "seg/a0", "seg/\u00e9", "seg/\uD83D\uDE00",
        "seg/\uFF21", "segment", "other/z");
    names.forEach(n -> backend.put(key(n), bytes(n)));

    List<String> expected = List.of("seg/a-1", "seg/a/x", "seg/a0", "seg/b", "seg/\u00e9", "seg/\uFF21",
        "seg/\uD83D\uDE00");
    assertEquals(expected, listNames(ListOptions.prefix("seg/")));
    assertEquals(List.of("seg/a-1", "seg/a/x", "seg/a0"), listNames(ListOptions.prefix("seg/a")));
    List<String> withSegment = new ArrayList<>(expected);
    withSegment.add("segment");
    assertEquals(withSegment, listNames(ListOptions.prefix("seg")));
    List<String> all = new ArrayList<>(withSegment);
    all.add(0, "other/z");
    assertEquals(all, listNames(ListOptions.all()));
    assertEquals(List.of(), listNames(ListOptions.prefix("nothing/")));
    assertEquals(List.of(), listNames(ListOptions.prefix("seg/a/x/")));
  }

  @Test
  void listedObjectsCarrySizeAndEtag() {
    ObjectMetadata meta = backend.put(key("d/x"), randomBytes(1234, 12));
    List<ListEntry.StoredObject> objects = listObjects("d/");
    assertEquals(1, objects.size());
    assertEquals(key("d/x"), objects.get(0).key());
    assertEquals(1234, objects.get(0).size());
    assertEquals(meta.etag(), objects.get(0).etag());
  }

  @Test
  void listingWithADelimiterGroupsKeysIntoPrefixes() {
    List.of("root-file", "dir/a", "dir/b/c", "dir/b/d", "dir/b-e", "dir/c/e/f", "dir2/x", "dirfile")
        .forEach(n -> backend.put(key(n), bytes(n)));
    assertEquals(List.of("dir/", "dir2/", "dirfile", "root-file"), listNames(ListOptions.all().delimited()));
    assertEquals(List.of("dir/a", "dir/b-e", "dir/b/", "dir/c/"), listNames(ListOptions.prefix("dir/").delimited()));
    assertEquals(List.of("dir/b-e", "dir/b/"), listNames(ListOptions.prefix("dir/b").delimited()));
    try (Stream<ListEntry> s = backend.list(ListOptions.prefix("dir/").delimited())) {
      List<ListEntry> entries = s.collect(Collectors.toList());
      assertTrue(entries.get(0) instanceof ListEntry.StoredObject);
      assertEquals(new ListEntry.Prefix("dir/b/"), entries.get(2));
    }
  }

  @Test
  void listingPagesThroughMoreThanAThousandKeys() throws Exception {
    int count = 1_100;
    List<String> names = IntStream.range(0, count).mapToObj(i -> String.format("many/%05d", i))
        .collect(Collectors.toList());
    runConcurrently(8, names.stream().<Callable<Void>>map(n -> () -> {
      backend.put(key(n), bytes(n));
      return null;
    }).collect(Collectors.toList()));
    assertEquals(names, listNames(ListOptions.prefix("many/")));
    assertEquals(names, listNames(ListOptions.prefix("many/").pageSize(100)));
    try (Stream<ListEntry> s = backend.list(ListOptions.prefix("many/").pageSize(7))) {
      assertEquals(names.subList(0, 20), s.limit(20).map(ListEntry::name).collect(Collectors.toList()),
          "a partly consumed listing");
    }
  }

  @Test
  void backendsWithDifferentPrefixesNeverSeeEachOthersObjects() {
    StorageBackend a = open(KeyPrefix.of(testPrefix + "/tenant"));
    StorageBackend ab = open(KeyPrefix.of(testPrefix + "/tenant-b"));
    a.put(key("shared/name"), bytes("a"));
    ab.put(key("shared/name"), bytes("ab"));
    ab.put(key("only-ab"), bytes("ab"));

    assertArrayEquals(bytes("a"), a.get(key("shared/name")));
    assertArrayEquals(bytes("ab"), ab.get(key("shared/name")));
    assertFalse(a.exists(key("only-ab")));
    assertEquals(List.of("shared/name"), names(a.list(ListOptions.all())));
    assertEquals(List.of("only-ab", "shared/name"), names(ab.list(ListOptions.all())));
    a.delete(key("shared/name"));
    assertArrayEquals(bytes("ab"), ab.get(key("shared/name")));
    assertEquals(List.of("tenant-b/only-ab", "tenant-b/shared/name"), listNames(ListOptions.all()),
        "the parent prefix sees both, with their prefixes");
  }

  // ---------------------------------------------------------------- conditional writes

  @Test
  void createOnlyWritesOnlyIfTheKeyIsFree() {
    backend.put(key("once"), bytes("first"), PutOptions.createOnly());
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class,
        () -> backend.put(key("once"), bytes("second"), PutOptions.createOnly()));
    assertTrue(e.getMessage().contains("once"), e.getMessage());
    assertArrayEquals(bytes("first"), backend.get(key("once")));
  }

  @Test
  void exactlyOneOfManyConcurrentCreateOnlyWritersWins() throws Exception {
    int writers = 8;
    for (int round = 0; round < 3; round++) {
      ObjectKey k = key("race/" + round);
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int id = i;
        tasks.add(() -> {
          start.await();
          try {
            backend.put(k, bytes("writer-" + id), PutOptions.createOnly());
            return id;
          } catch (ObjectAlreadyExistsException lost) {
            return -1;
          }
        });
      }
      List<Integer> results = runConcurrently(writers, tasks, start);
      List<Integer> winners = results.stream().filter(r -> r >= 0).collect(Collectors.toList());
      assertEquals(1, winners.size(), "winners: " + winners);
      assertArrayEquals(bytes("writer-" + winners.get(0)), backend.get(k));
    }
  }

  @Test
  void ifMatchWritesOnlyOverTheExpectedVersion() {
    ObjectMetadata v1 = backend.put(key("manifest"), bytes("v1"));
    ObjectMetadata v2 = backend.put(key("manifest"), bytes("v2"), PutOptions.ifMatch(v1.etag()));
    assertArrayEquals(bytes("v2"), backend.get(key("manifest")));

    PreconditionFailedException stale = assertThrows(PreconditionFailedException.class,
        () -> backend.put(key("manifest"), bytes("stale"), PutOptions.ifMatch(v1.etag())));
    assertTrue(stale.getMessage().contains("manifest"), stale.getMessage());
    assertArrayEquals(bytes("v2"), backend.get(key("manifest")));
    assertEquals(v2.etag(), backend.stat(key("manifest")).etag());

    assertThrows(PreconditionFailedException.class,
        () -> backend.put(key("absent"), bytes("x"), PutOptions.ifMatch(v1.etag())));
    assertFalse(backend.exists(key("absent")));
  }

  @Test
  void exactlyOneOfManyConcurrentIfMatchWritersWins() throws Exception {
    String reason = serverWithoutAtomicIfMatch();
    assumeTrue(reason == null, reason);
    int writers = 8;
    ObjectMetadata base = backend.put(key("checkpoint"), bytes("base"));
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      int id = i;
      tasks.add(() -> {
        start.await();
        try {
          backend.put(key("checkpoint"), bytes("writer-" + id), PutOptions.ifMatch(base.etag()));
          return id;
        } catch (PreconditionFailedException lost) {
          return -1;
        }
      });
    }
    List<Integer> winners = runConcurrently(writers, tasks, start).stream().filter(r -> r >= 0)
        .collect(Collectors.toList());
    assertEquals(1, winners.size(), "winners: " + winners);
    assertArrayEquals(bytes("writer-" + winners.get(0)), backend.get(key("checkpoint")));
  }

  @Test
  void largeConditionalWritesAreCheckedToo() {
    long size = largeObjectSize();
    backend.put(key("large/cond"), bytes("small"));
    assertThrows(ObjectAlreadyExistsException.class, () -> backend.put(key("large/cond"), new RandomStream(size, 13),
        StorageBackend.UNKNOWN_LENGTH, PutOptions.createOnly()));
    assertThrows(PreconditionFailedException.class, () -> backend.put(key("large/cond"), new RandomStream(size, 13),
        size, PutOptions.ifMatch("\"not-the-etag\"")));
    assertArrayEquals(bytes("small"), backend.get(key("large/cond")));
  }

  // ---------------------------------------------------------------- delete / copy

  @Test
  void deleteRemovesTheObjectAndIsIdempotent() {
    backend.put(key("del/x"), bytes("x"));
    backend.put(key("del/y"), bytes("y"));
    backend.delete(key("del/x"));
    assertFalse(backend.exists(key("del/x")));
    assertThrows(ObjectNotFoundException.class, () -> backend.get(key("del/x")));
    backend.delete(key("del/x"));
    backend.delete(key("never/existed"));
    assertEquals(List.of("del/y"), listNames(ListOptions.all()));
  }

  @Test
  void deleteAllRemovesManyKeysIncludingMissingOnes() throws Exception {
    List<ObjectKey> keys = IntStream.range(0, 300).mapToObj(i -> key(String.format("bulk/%04d", i)))
        .collect(Collectors.toList());
    runConcurrently(8, keys.stream().<Callable<Void>>map(k -> () -> {
      backend.put(k, bytes(k.value()));
      return null;
    }).collect(Collectors.toList()));
    backend.put(key("keep"), bytes("keep"));
    List<ObjectKey> toDelete = new ArrayList<>(keys);
    toDelete.add(key("bulk/missing"));
    backend.deleteAll(toDelete);
    assertEquals(List.of("keep"), listNames(ListOptions.all()));
    backend.deleteAll(List.of());
  }

  @Test
  void copyDuplicatesContentAndMetadata() {
    PutOptions.Builder options = PutOptions.builder();
    if (backend.capabilities().userMetadata()) {
      options.contentType("text/plain").metadata("origin", "tck");
    }
    backend.put(key("src"), bytes("payload"), options.build());
    ObjectMetadata copy = backend.copy(key("src"), key("copies/dst"), WriteMode.overwrite());
    assertEquals(7, copy.size());
    assertArrayEquals(bytes("payload"), backend.get(key("copies/dst")));
    ObjectMetadata stat = backend.stat(key("copies/dst"));
    assertEquals(backend.stat(key("src")).contentType(), stat.contentType());
    assertEquals(backend.stat(key("src")).userMetadata(), stat.userMetadata());
    assertThrows(ObjectAlreadyExistsException.class,
        () -> backend.copy(key("src"), key("copies/dst"), WriteMode.createOnly()));
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void everyCallFailsAfterClose() {
    StorageBackend b = open(testPrefix);
    b.put(key("x"), bytes("x"));
    b.close();
    b.close(); // idempotent
    List<Runnable> calls = List.of(
        () -> b.put(key("x"), bytes("y")),
        () -> b.get(key("x")),
        () -> b.openStream(key("x")),
        () -> b.openStream(key("x"), ByteRange.of(0, 1)),
        () -> b.stat(key("x")),
        () -> b.exists(key("x")),
        () -> b.list(ListOptions.all()).count(),
        () -> b.delete(key("x")),
        () -> b.openWriter(key("x"), PutOptions.overwrite()),
        () -> b.copy(key("x"), key("y"), WriteMode.overwrite()));
    for (Runnable call : calls) {
      assertThrows(IllegalStateException.class, call::run);
    }
    assertArrayEquals(bytes("x"), backend.get(key("x")), "other backends are unaffected");
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A key.
   *
   * @param value the key text
   * @return the key
   */
  protected static ObjectKey key(String value) {
    return ObjectKey.of(value);
  }

  /**
   * UTF-8 bytes of a string.
   *
   * @param s the string
   * @return its bytes
   */
  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reproducible pseudo-random bytes.
   *
   * @param size how many
   * @param seed the seed
   * @return the bytes
   */
  protected static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private List<String> listNames(ListOptions options) {
    return names(backend.list(options));
  }

  private static List<String> names(Stream<ListEntry> stream) {
    try (Stream<ListEntry> s = stream) {
      return s.map(ListEntry::name).collect(Collectors.toList());
    }
  }

  private List<ListEntry.StoredObject> listObjects(String prefix) {
    try (Stream<ListEntry> s = backend.list(prefix)) {
      return s.map(e -> (ListEntry.StoredObject) e).collect(Collectors.toList());
    }
  }

  private static byte[] slice(byte[] data, int offset, int length) {
    byte[] out = new byte[length];
    System.arraycopy(data, offset, out, 0, length);
    return out;
  }

  private static <T> List<T> runConcurrently(int threads, List<Callable<T>> tasks) throws Exception {
    return runConcurrently(threads, tasks, null);
  }

  private static <T> List<T> runConcurrently(int threads, List<Callable<T>> tasks, CountDownLatch start)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      if (start != null) {
        start.countDown();
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get(Duration.ofMinutes(5).toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
          fail("concurrent task failed", e.getCause());
        }
      }
      return Collections.unmodifiableList(results);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A stream that fails on first read, standing in for a source that breaks mid-transfer. */
  /** Gives {@code good} bytes, then fails every read, counting the failures. */
  private static final class CountingFailingSource extends InputStream {
    private long good;
    private int failures;

    CountingFailingSource(long good) {
      this.good = good;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (good == 0) {
        failures++;
        throw new IOException("source failed mid-stream");
      }
      int n = (int) Math.min(len, good);
      Arrays.fill(b, off, off + n, (byte) 7);
      good -= n;
      return n;
    }
  }

  private static final class FailingStream extends InputStream {
    @Override
    public int read() throws IOException {
      throw new IOException("source failed mid-stream");
    }
  }
}
