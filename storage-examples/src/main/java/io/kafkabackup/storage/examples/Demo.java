package io.kafkabackup.storage.examples;

import io.kafkabackup.storage.ByteRange;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import io.kafkabackup.storage.PreconditionFailedException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageBackends;
import io.kafkabackup.storage.WriteMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A short tour of the API as a backup tool uses it: stream segments in create-only mode, keep a
 * manifest with optimistic concurrency, list, read ranges, clean up.
 *
 * <p>Runs on the filesystem backend in a temporary directory unless {@code storage.*} system
 * properties name another backend, for example {@code -Dstorage.backend=azure
 * -Dstorage.azure.account-name=... -Dstorage.azure.container=...}.
 */
public final class Demo {
  private Demo() {
  }

  /**
   * Runs the demo.
   *
   * @param args ignored; configure with {@code storage.*} system properties
   * @throws IOException if the temporary directory cannot be created
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> config = new HashMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("storage."))
        .forEach(k -> config.put(k, System.getProperty(k)));
    Path tempRoot = null;
    if (!config.containsKey(StorageBackends.BACKEND)) {
      tempRoot = Files.createTempDirectory("kafka-backup-storage-demo");
      config.put(StorageBackends.BACKEND, "filesystem");
      config.put("storage.filesystem.root", tempRoot.toString());
    }
    config.putIfAbsent(StorageBackends.PREFIX, "demo/cluster-a");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StorageBackend storage = StorageBackends.builder().config(config).meterRegistry(registry).open()) {
      System.out.printf("opened %s backend, prefix '%s'%n", storage.type(), storage.prefix());
      run(storage);
      System.out.println("metrics:");
      registry.find("storage.operations").timers().stream()
          .sorted((a, b) -> a.getId().getTag("operation").compareTo(b.getId().getTag("operation")))
          .forEach(t -> System.out.printf("  %-10s %-20s count=%d mean=%.2f ms%n", t.getId().getTag("operation"),
              t.getId().getTag("outcome"), t.count(), t.mean(TimeUnit.MILLISECONDS)));
    } finally {
      if (tempRoot != null) {
        deleteTree(tempRoot);
      }
    }
    System.out.println("demo finished");
  }

  private static void run(StorageBackend storage) throws IOException {
    ObjectKey dir = ObjectKey.of("topics/orders/partition-0");
    Random random = new Random(42);

    // 1. Stream three segments; create-only means a retried backup can never overwrite a segment.
    for (int segment = 0; segment < 3; segment++) {
      ObjectKey key = dir.resolve(String.format("%020d.log", segment * 1000L));
      byte[] chunk = new byte[256 * 1024];
      try (ObjectWriter out = storage.openWriter(key, PutOptions.builder().mode(WriteMode.createOnly())
          .metadata("base_offset", String.valueOf(segment * 1000L)).build())) {
        for (int i = 0; i < 8; i++) {
          random.nextBytes(chunk);
          out.write(chunk);
        }
      }
      System.out.printf("wrote segment %s (%d bytes)%n", key, storage.stat(key).size());
    }
    ObjectKey first = dir.resolve(String.format("%020d.log", 0));
    try {
      storage.put(first, new byte[1], PutOptions.createOnly());
    } catch (ObjectAlreadyExistsException expected) {
      System.out.println("create-only refused to overwrite " + first);
    }

    // 2. A manifest updated with if-match: a concurrent writer's stale etag is refused.
    ObjectKey manifest = ObjectKey.of("manifest.json");
    ObjectMetadata v1 = storage.put(manifest, json("{\"segments\":2}"), PutOptions.builder()
        .contentType("application/json").build());
    ObjectMetadata v2 = storage.put(manifest, json("{\"segments\":3}"), PutOptions.ifMatch(v1.etag()));
    try {
      storage.put(manifest, json("{\"segments\":1}"), PutOptions.ifMatch(v1.etag()));
    } catch (PreconditionFailedException expected) {
      System.out.println("if-match refused a stale manifest update");
    }
    System.out.printf("manifest %s = %s%n", v2.etag(), new String(storage.get(manifest), StandardCharsets.UTF_8));

    // 3. List one level, then everything below the partition.
    try (Stream<ListEntry> top = storage.list(ListOptions.all().delimited())) {
      System.out.println("top level: " + top.map(ListEntry::name).collect(Collectors.toList()));
    }
    List<ObjectKey> segments;
    try (Stream<ListEntry> all = storage.list(dir.value() + "/")) {
      segments = all.map(e -> ((ListEntry.StoredObject) e).key()).collect(Collectors.toList());
    }
    System.out.println("segments: " + segments);

    // 4. Read the last 16 bytes of a segment without downloading it.
    long size = storage.stat(first).size();
    byte[] tail = storage.get(first, ByteRange.from(size - 16));
    System.out.printf("last %d bytes of %s read by range%n", tail.length, first.name());

    // 5. Clean up.
    storage.deleteAll(segments);
    storage.delete(manifest);
    try (Stream<ListEntry> rest = storage.list(ListOptions.all())) {
      System.out.println("objects left: " + rest.count());
    }
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }

}
