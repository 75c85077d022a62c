package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.BulkDeleteException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs a bulk delete as batches of the store's batch size, several at once, and reports the keys that
 * could not be deleted in one {@link BulkDeleteException}.
 */
public final class BatchDelete {
  private BatchDelete() {
  }

  /**
   * Deletes keys in batches.
   *
   * @param keys the keys to delete
   * @param batchSize keys per request
   * @param pool where the batches run
   * @param deleteBatch deletes one batch and returns the keys that failed with their errors (a missing
   *     key is not a failure)
   * @param translate turns a batch that failed as a whole into a typed error
   * @throws BulkDeleteException naming the keys that are still there
   */
  public static void run(Collection<ObjectKey> keys, int batchSize, ExecutorService pool,
      Function<List<ObjectKey>, Map<ObjectKey, Throwable>> deleteBatch, Function<Throwable, StorageException> translate) {
    List<ObjectKey> all = new ArrayList<>(keys);
    List<Future<Map<ObjectKey, Throwable>>> batches = new ArrayList<>();
    for (int i = 0; i < all.size(); i += batchSize) {
      List<ObjectKey> slice = all.subList(i, Math.min(all.size(), i + batchSize));
      batches.add(pool.submit(() -> deleteBatch.apply(slice)));
    }
    Map<ObjectKey, Throwable> failures = new LinkedHashMap<>();
    for (Future<Map<ObjectKey, Throwable>> f : batches) {
      try {
        failures.putAll(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while deleting " + all.size() + " keys", e, true);
      } catch (ExecutionException e) {
        throw translate.apply(e.getCause());
      }
    }
    if (!failures.isEmpty()) {
      throw new BulkDeleteException(new ArrayList<>(failures.keySet()), new ArrayList<>(failures.values()));
    }
  }
}
