package io.kafkabackup.storage.kit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of part buffers that every upload of the JVM holds together. Each upload may always hold
 * one buffer, so it always makes progress; a further buffer is taken only while the total stays within
 * the limit, and given back while the total is over it (uploads that started later took their first),
 * so together they hold about the limit, or one buffer each where that is more. Without it, each of
 * many concurrent uploads (a backup writes a segment per partition) sized its buffers against the whole
 * heap on its own, and eight of them could ask for eight times half the heap.
 */
final class PartBufferBudget {
  /**
   * A quarter of the heap, shared by every upload of every backend in this JVM: the rest is the
   * caller's (a backup's consumers and segment blocks). Measured: a backup of 8 partitions to S3 in
   * {@code -Xmx256m} ran out of memory with half.
   */
  static final PartBufferBudget JVM = new PartBufferBudget(Runtime.getRuntime().maxMemory() / 4);

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  PartBufferBudget(long limit) {
    this.limit = limit;
  }

  /** Counts a buffer an upload must have (its first), even beyond the limit. */
  void reserve(long bytes) {
    used.addAndGet(bytes);
  }

  /**
   * Counts a further buffer if it fits.
   *
   * @param bytes the buffer's size
   * @return whether it was counted; if not, the upload reuses one of its own buffers instead
   */
  boolean tryReserve(long bytes) {
    long now;
    do {
      now = used.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!used.compareAndSet(now, now + bytes));
    return true;
  }

  /** Whether the buffers counted exceed the limit: uploads then give back their buffers beyond the first. */
  boolean overLimit() {
    return used.get() > limit;
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
