package io.kafkabackup.storage.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * CPU time spent on a measurement: this process (client, broker, S3Proxy) plus every server process a
 * fixture started and registered (Azurite is a Node process; without it an Azure cell would look cheaper
 * than an S3 cell whose emulator runs in this JVM), with their child processes.
 */
final class CpuClock {
  private static final Set<ProcessHandle> SERVERS = ConcurrentHashMap.newKeySet();

  private CpuClock() {
  }

  /** CPU nanoseconds used so far by this process and the registered servers. */
  static long nanos() {
    long own = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return own + SERVERS.stream().mapToLong(CpuClock::treeNanos).sum();
  }

  /** CPU nanoseconds used so far by one process and its descendants (a launcher such as npx forks Node). */
  static long treeNanos(ProcessHandle process) {
    return Stream.concat(Stream.of(process), process.descendants())
        .mapToLong(p -> p.info().totalCpuDuration().orElse(Duration.ZERO).toNanos()).sum();
  }

  /** Counts {@code server}'s CPU from now on, until {@link #unregister}. */
  static void register(ProcessHandle server) {
    SERVERS.add(server);
  }

  static void unregister(ProcessHandle server) {
    SERVERS.remove(server);
  }
}
