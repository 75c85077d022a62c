package io.kafkabackup.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream that writes one object. Nothing is visible at the key until {@link #close()} succeeds; then
 * the whole object appears at once. A writer whose write or close failed, or that was
 * {@link #abort() aborted}, leaves nothing visible and the previous object (if any) untouched.
 *
 * <p>Because try-with-resources calls {@code close()} even when the body throws, abort in a catch block
 * when the data is incomplete:
 *
 * <pre>{@code
 * try (ObjectWriter out = backend.openWriter(key, PutOptions.createOnly())) {
 *   try {
 *     produce(out);
 *   } catch (RuntimeException | IOException e) {
 *     out.abort();
 *     throw e;
 *   }
 * }
 * }</pre>
 *
 * <p>A writer is used by one thread at a time.
 */
public abstract class ObjectWriter extends OutputStream {

  /** For subclasses. */
  protected ObjectWriter() {
  }

  /**
   * The key this writer writes.
   *
   * @return the key
   */
  public abstract ObjectKey key();

  /**
   * Commits the object. Succeeds only if every byte was stored and the {@link WriteMode} held.
   *
   * @throws ObjectAlreadyExistsException if the mode was create-only and the key is taken
   * @throws PreconditionFailedException if the mode was if-match and the etag differs
   * @throws IOException if the data could not be stored
   */
  @Override
  public abstract void close() throws IOException;

  /** Discards everything written; nothing becomes visible. Later calls to {@code close()} do nothing. */
  public abstract void abort();

  /**
   * What was stored, once {@link #close()} succeeded.
   *
   * @return the metadata of the committed object
   * @throws IllegalStateException if the writer has not committed
   */
  public abstract ObjectMetadata metadata();
}
