package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.StorageException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Turns a store's lazily fetched listing pages into the contract's stream: one page fetched at a time as
 * the stream is consumed, each page's entries in code-point order. Object stores return a page's objects
 * and common prefixes as two separate lists, and emulators do not always sort by UTF-8 bytes, so every
 * page is merged and sorted here (pages themselves cover consecutive key ranges).
 */
public final class PagedListing {
  private PagedListing() {
  }

  /**
   * Builds the stream.
   *
   * @param pages the store's pages, fetched lazily by {@code hasNext()}
   * @param entries maps a page to its entries; may leave out names that are not valid keys
   * @param translate turns a failure while fetching into a typed error
   * @param <P> the page type
   * @return the entries
   */
  public static <P> Stream<ListEntry> stream(Iterator<P> pages, Function<P, List<ListEntry>> entries,
      Function<RuntimeException, StorageException> translate) {
    Iterator<ListEntry> iterator = new Iterator<>() {
      private Iterator<ListEntry> page = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        try {
          while (!page.hasNext() && pages.hasNext()) {
            List<ListEntry> list = entries.apply(pages.next());
            list.sort((a, b) -> ObjectKey.compareCodePoints(a.name(), b.name()));
            page = list.iterator();
          }
        } catch (StorageException e) {
          throw e;
        } catch (RuntimeException e) {
          throw translate.apply(e);
        }
        return page.hasNext();
      }

      @Override
      public ListEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
