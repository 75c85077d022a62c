package io.kafkabackup.storage.kit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread pool a backend runs its part uploads, read-ahead and bulk deletes on: one per backend,
 * daemon threads named after the provider, idle threads released after 30 s. Its queue is unbounded;
 * the writers and streams that submit to it bound their own work in flight.
 */
public final class TransferPool {
  private TransferPool() {
  }

  /**
   * Creates a pool.
   *
   * @param provider the provider type, for thread names such as {@code kbs-azure-transfer-3}
   * @param threads the most threads at once
   * @return the pool; the backend shuts it down on close
   */
  public static ExecutorService create(String provider, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "kbs-" + provider + "-transfer-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
