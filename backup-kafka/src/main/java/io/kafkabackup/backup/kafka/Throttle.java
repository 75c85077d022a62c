package io.kafkabackup.backup.kafka;

import java.util.concurrent.locks.LockSupport;

/**
 * A rate shared by every partition of a restore (bytes or records per second), so a restore into a live
 * cluster leaves its producers room: a token bucket that holds at most a tenth of a second's worth and
 * starts empty, where each caller takes what it needs and, when that runs the bucket below zero, waits
 * until the debt is paid. Over any span the amount taken exceeds rate × span by at most a tenth of a
 * second's worth (a partition pausing between segments cannot save up a burst).
 * Written here rather than taken from a library: it is a dozen lines, and no dependency the project has
 * offers one.
 */
final class Throttle {
  private final double perSecond;
  private double available;
  private long refilledAtNanos = System.nanoTime();

  /**
   * Creates a throttle.
   *
   * @param perSecond the rate, > 0
   */
  Throttle(double perSecond) {
    this.perSecond = perSecond;
  }

  /** Takes {@code amount}, waiting as long as the rate requires; returns early if interrupted. */
  void acquire(long amount) {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      available = Math.min(perSecond / 10, available + (now - refilledAtNanos) / 1e9 * perSecond) - amount;
      refilledAtNanos = now;
      waitNanos = available >= 0 ? 0 : (long) (-available / perSecond * 1e9);
    }
    long until = System.nanoTime() + waitNanos;
    while (waitNanos > 0 && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(waitNanos);
      waitNanos = until - System.nanoTime();
    }
  }

  /**
   * The rate.
   *
   * @return units per second
   */
  double perSecond() {
    return perSecond;
  }
}
