package io.kafkabackup.storage.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the promise of {@link StorageBackend#close()}: every socket, file descriptor and thread a
 * backend took is given back. A provider's test opens its backend through a relay that never closes idle
 * connections itself (testkit {@code TcpRelay}), so a connection the backend leaks stays open and is
 * counted, instead of being closed by the server's idle timeout. Counts come from {@code /proc/self/fd}
 * and the live threads; threads of process-wide pools (Reactor's and Netty's shared loops, the JDK's
 * common pool, the in-JVM test servers' own pools) are left out, as the promise leaves them out.
 */
public final class ResourceRelease {
  /** Threads shared by the whole process or owned by test servers and relays, not by a backend. */
  private static final Pattern SHARED_THREADS = Pattern.compile(
      "(boundedElastic|parallel|single|reactor-http-(epoll|nio|kqueue)|ForkJoinPool|Common-Cleaner|"
          + "idle-connection-reaper|qtp|S3Proxy|tcp-relay|fault-proxy|process reaper|Attach Listener|"
          + "junit|surefire|HttpClient-).*");

  private ResourceRelease() {
  }

  /**
   * What the process holds.
   *
   * @param sockets open sockets
   * @param descriptors open file descriptors of any kind
   * @param threads live threads outside the shared pools
   */
  public record Usage(long sockets, long descriptors, long threads) {
    /**
     * Whether nothing here exceeds {@code baseline}.
     *
     * @param baseline the earlier usage
     * @return {@code true} when every count is at or below it
     */
    public boolean within(Usage baseline) {
      return sockets <= baseline.sockets && descriptors <= baseline.descriptors && threads <= baseline.threads;
    }
  }

  /**
   * The process's usage now.
   *
   * @return the counts
   */
  public static Usage now() {
    long sockets = 0;
    long descriptors = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          descriptors++;
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            sockets++;
          }
        } catch (IOException e) {
          descriptors--; // closed while listing, or the listing's own descriptor
        }
      }
    } catch (IOException e) {
      fail("cannot read /proc/self/fd: " + e);
    }
    long threads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !SHARED_THREADS.matcher(t.getName()).matches()).count();
    return new Usage(sockets, descriptors, threads);
  }

  /**
   * Opens backends, loads them, closes them, and checks the process returns to where it was: first
   * {@code loadCycles} cycles of {@code loadThreads} threads writing and reading concurrently, then
   * {@code cycles} quick open/put/get/close cycles. A first cycle, before the baseline is taken, lets the
   * process-wide pools start.
   *
   * @param open opens a fresh backend of the provider under test
   * @param network whether the backend talks over the network (then the load must have opened sockets)
   * @param loadThreads concurrent threads per load cycle
   * @param loadCycles load cycles
   * @param cycles quick cycles
   * @throws Exception if the load fails
   */
  public static void assertCloseReleasesEverything(Supplier<StorageBackend> open, boolean network, int loadThreads,
      int loadCycles, int cycles) throws Exception {
    loadCycle(open, network, loadThreads, null);
    Usage baseline = settle(null);
    for (int i = 0; i < loadCycles; i++) {
      loadCycle(open, network, loadThreads, baseline);
    }
    byte[] payload = new byte[1024];
    new Random(1).nextBytes(payload);
    for (int i = 0; i < cycles; i++) {
      try (StorageBackend backend = open.get()) {
        ObjectKey key = ObjectKey.of("release/cycle-" + (i % 10));
        backend.put(key, payload);
        assertArrayEquals(payload, backend.get(key));
      }
    }
    Usage after = settle(baseline);
    assertTrue(after.within(baseline), "after " + loadCycles + " loaded and " + cycles + " quick open/close cycles "
        + "the process holds more than before: " + after + " vs " + baseline);
  }

  private static void loadCycle(Supplier<StorageBackend> open, boolean network, int threads, Usage baseline)
      throws Exception {
    ExecutorService load = Executors.newFixedThreadPool(threads);
    try (StorageBackend backend = open.get()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(load.submit(() -> {
          for (int i = 0; i < 3; i++) {
            ObjectKey key = ObjectKey.of("release/" + thread + "-" + i);
            byte[] data = new byte[64 * 1024 + thread];
            backend.put(key, data);
            assertArrayEquals(data, backend.get(key));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      if (network && baseline != null) {
        assertTrue(now().sockets() > baseline.sockets(), "the load opened connections");
      }
    } finally {
      load.shutdownNow();
      load.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Waits up to 3 s for the usage to come down to {@code target} (or to stop changing). */
  private static Usage settle(Usage target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    Usage usage = now();
    while (System.nanoTime() < deadline && (target == null || !usage.within(target))) {
      TimeUnit.MILLISECONDS.sleep(50);
      Usage next = now();
      if (target == null && next.equals(usage)) {
        return usage;
      }
      usage = next;
    }
    return usage;
  }
}
