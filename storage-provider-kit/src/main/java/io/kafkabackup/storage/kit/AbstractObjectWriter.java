package io.kafkabackup.storage.kit;

import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectMetadata;
import io.kafkabackup.storage.ObjectWriter;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;

/**
 * The state machine every {@link ObjectWriter} shares, so providers only say how to write, commit and
 * discard: a failed write or commit discards the upload at once, later writes fail, and {@code close()}
 * after {@code abort()} does nothing.
 */
public abstract class AbstractObjectWriter extends ObjectWriter {
  private enum State { OPEN, COMMITTED, ABORTED, FAILED }

  private final ObjectKey key;
  private final byte[] single = new byte[1];
  private State state = State.OPEN;
  private ObjectMetadata metadata;

  /**
   * Creates a writer.
   *
   * @param key the key being written
   */
  protected AbstractObjectWriter(ObjectKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * Stores more bytes of the object, invisibly.
   *
   * @param b the data
   * @param off where the bytes start
   * @param len how many bytes
   * @throws IOException if the bytes could not be stored
   */
  protected abstract void doWrite(byte[] b, int off, int len) throws IOException;

  /**
   * Makes the object visible, atomically and subject to the write mode.
   *
   * @return the metadata of the stored object
   * @throws IOException if the object could not be stored
   */
  protected abstract ObjectMetadata doCommit() throws IOException;

  /** Discards what was stored; called at most once, never after a successful commit. */
  protected abstract void doAbort();

  @Override
  public final ObjectKey key() {
    return key;
  }

  @Override
  public final void write(int b) throws IOException {
    single[0] = (byte) b;
    write(single, 0, 1);
  }

  @Override
  public final void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return;
    }
    try {
      doWrite(b, off, len);
    } catch (IOException | RuntimeException | Error e) {
      fail();
      throw e;
    }
  }

  @Override
  public final void close() throws IOException {
    switch (state) {
      case COMMITTED:
      case ABORTED:
        return;
      case FAILED:
        throw new IOException("writer of '" + key + "' failed earlier; nothing was stored");
      default:
        break;
    }
    try {
      metadata = doCommit();
      state = State.COMMITTED;
    } catch (IOException | RuntimeException | Error e) {
      fail();
      throw e;
    }
  }

  @Override
  public final void abort() {
    if (state == State.OPEN) {
      state = State.ABORTED;
      doAbort();
    } else if (state == State.FAILED) {
      state = State.ABORTED;
    }
  }

  @Override
  public final ObjectMetadata metadata() {
    if (state != State.COMMITTED) {
      throw new IllegalStateException("writer of '" + key + "' has not committed (" + state + ")");
    }
    return metadata;
  }

  private void ensureOpen() throws IOException {
    if (state != State.OPEN) {
      throw new IOException("writer of '" + key + "' is " + state.name().toLowerCase(Locale.ROOT));
    }
  }

  private void fail() {
    state = State.FAILED;
    doAbort();
  }
}
