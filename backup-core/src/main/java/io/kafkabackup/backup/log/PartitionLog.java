package io.kafkabackup.backup.log;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.BackupJson;
import io.kafkabackup.backup.layout.BackupLayout;
import io.kafkabackup.backup.layout.SourcePartition;
import io.kafkabackup.storage.ListEntry;
import io.kafkabackup.storage.ObjectAlreadyExistsException;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.PutOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's commit log: an append-only sequence of immutable JSON objects, each written
 * create-only at the next sequence number (the pattern of Delta Lake's {@code _delta_log}). The log is
 * the only truth about a partition's backup:
 *
 * <ul>
 *   <li>A segment belongs to the backup only once a {@code segment} commit names it; a segment written
 *       but never committed (a crash, a fenced writer) is an orphan that readers never see.
 *   <li>The resume position is the newest commit's {@code nextOffset}; it only ever moves with a commit
 *       that accounts for every offset before it, so no offset is lost or stored twice.
 *   <li>Two writers can never both append sequence {@code n}: the store's create-only write lets one
 *       win. A writer starts by appending a {@code claim}, which fences every earlier writer: the next
 *       append of a fenced writer finds its sequence taken and throws {@link FencedException}.
 *   <li>Every {@link LogPolicy#checkpointInterval()} commits, the writer appends a {@code checkpoint}
 *       and deletes the commits before the previous checkpoint, so reading a log costs a listing and a few small objects
 *       however long the backup has run. A checkpoint (format 3) does not list the history: it moves the
 *       segments committed since the last one into an immutable {@link Manifest} and names a short list
 *       of manifests, each summarising the span it covers ({@link ManifestWriter}), so its size and the
 *       writer's heap stay bounded while the history grows, and readers open only the manifests a query
 *       needs ({@link PartitionHistory}).
 *   <li>Retention ({@link LogPolicy}) drops the oldest manifests in a checkpoint first; their objects
 *       are deleted after {@link LogPolicy#deleteDelay()}, by a later checkpoint, so a reader never
 *       finds half of what the checkpoint it read names.
 *   <li>Every commit carries the Kafka topic id of the {@link Incarnation} it belongs to. When the topic
 *       is deleted and created again, the writer appends an {@code incarnation} commit: the old history is
 *       closed as it was and a new span starts, so two topics that shared a name never share a span. A
 *       log in which a commit's id differs from its incarnation's is broken and is reported.
 * </ul>
 *
 * <p>A write whose outcome is unknown (a timeout) is retried with the same content: if the first try
 * did land, the retry finds the object, sees it is its own, and carries on.
 */
public final class PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  private static final int READ_ATTEMPTS = 5;
  private static final int CLAIM_ATTEMPTS = 20;

  private final StorageBackend storage;
  private final String backupId;
  private final SourcePartition partition;
  private final String writerId;
  private final LogPolicy policy;
  /** Dropped manifests this writer deleted; the next checkpoint stops listing them. */
  private final Set<String> deleted = new HashSet<>();
  private PartitionState state;

  private PartitionLog(StorageBackend storage, String backupId, SourcePartition partition, String writerId,
      LogPolicy policy, PartitionState state) {
    this.storage = storage;
    this.backupId = backupId;
    this.partition = partition;
    this.writerId = writerId;
    this.policy = policy;
    this.state = state;
  }

  /**
   * Reads a partition's state from its log.
   *
   * @param storage where the backup is
   * @param backupId the backup
   * @param partition the partition
   * @return the state; {@link PartitionState#EMPTY} when nothing was committed
   * @throws BackupException if the log is inconsistent
   */
  public static PartitionState read(StorageBackend storage, String backupId, SourcePartition partition) {
    for (int attempt = 1; ; attempt++) {
      try {
        // An empty listing is believed from a second listing on: see readOnce.
        return readOnce(storage, backupId, partition, attempt > 1);
      } catch (ObjectNotFoundException | LogChangedException e) {
        // A checkpoint was written and older commits deleted between the listing and the read, or while
        // the listing ran (a listing is not a snapshot: it may miss the new checkpoint and the old ones).
        if (attempt == READ_ATTEMPTS) {
          throw e instanceof LogChangedException ? new BackupException(e.getMessage())
              : new BackupException("the commit log of " + partition + " in backup '" + backupId
                  + "' kept changing while being read", e);
        }
      }
    }
  }

  /**
   * Takes a partition over for writing: appends a {@code claim}, which fences every earlier writer.
   *
   * @param storage where the backup is
   * @param backupId the backup
   * @param partition the partition
   * @param writerId this writer's id (unique per job run)
   * @param topicId the topic id the writer finds in the cluster, or null if it has none; it becomes the
   *     current incarnation's id when that has none yet (a new log, or history written in format 1). A
   *     different id does not change the incarnation: the caller decides with {@link #startIncarnation}.
   * @return the log, positioned after the claim
   */
  public static PartitionLog claim(StorageBackend storage, String backupId, SourcePartition partition,
      String writerId, String topicId) {
    return claim(storage, backupId, partition, writerId, topicId, LogPolicy.KEEP_ALL);
  }

  /**
   * Takes a partition over for writing with a policy for checkpoints and retention: appends a
   * {@code claim}, which fences every earlier writer, then a checkpoint at once if retention has
   * something to drop or delete (so incremental runs apply it too, not only long-running ones).
   *
   * @param storage where the backup is
   * @param backupId the backup
   * @param partition the partition
   * @param writerId this writer's id (unique per job run)
   * @param topicId the topic id the writer finds in the cluster, or null (see the overload)
   * @param policy checkpoints and retention
   * @return the log, positioned after the claim
   */
  public static PartitionLog claim(StorageBackend storage, String backupId, SourcePartition partition,
      String writerId, String topicId, LogPolicy policy) {
    PartitionLog log = claimOnce(storage, backupId, partition, writerId, topicId, policy);
    try {
      log.checkpointIfDue();
    } catch (FencedException e) {
      // Another writer claimed it meanwhile: this log's next commit says so, as it would have anyway.
      LOG.info("backup {} partition {}: {}", backupId, partition, e.getMessage());
    } catch (StorageException e) {
      // Whether it landed is unknown; the log says. Retention is tried again at the next commit.
      LOG.warn("backup {} partition {}: checkpoint after the claim failed: {}", backupId, partition, e.getMessage());
      log.reload();
    }
    return log;
  }

  private static PartitionLog claimOnce(StorageBackend storage, String backupId, SourcePartition partition,
      String writerId, String topicId, LogPolicy policy) {
    for (int attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      PartitionState current = read(storage, backupId, partition);
      long sequence = current.lastSequence() + 1;
      String now = Instant.now().toString();
      Incarnation continued = current.incarnations().isEmpty() ? Incarnation.open(topicId, now, -1)
          : current.current().adopt(topicId);
      Commit claim = new Commit(Commit.FORMAT, sequence, CommitKind.CLAIM, writerId, now, continued.topicId(),
          null, current.nextOffset(), null, null, null, null, null);
      PartitionLog log = new PartitionLog(storage, backupId, partition, writerId, policy, current);
      try {
        log.write(claim);
        log.state = new PartitionState(sequence, writerId, withCurrent(current.incarnations(), continued),
            current.commitsSinceCheckpoint() + 1, current.expired());
        LOG.info("backup {} partition {}: claimed by writer {} at sequence {}, resuming at offset {}", backupId,
            partition, writerId, sequence, current.nextOffset());
        return log;
      } catch (FencedException e) {
        LOG.debug("backup {} partition {}: sequence {} taken while claiming, reading again", backupId, partition,
            sequence);
      } catch (StorageException e) {
        if (!e.isRetryable() || attempt == CLAIM_ATTEMPTS) {
          throw e;
        }
        // The claim may or may not have landed: reading again tells, and a second claim is harmless.
        LOG.warn("backup {} partition {}: claim attempt {} failed, retrying: {}", backupId, partition, attempt,
            e.getMessage());
      }
    }
    throw new BackupException("could not claim " + partition + " of backup '" + backupId + "': its log changed "
        + CLAIM_ATTEMPTS + " times while claiming");
  }

  /**
   * The state as this writer last committed it.
   *
   * @return the state
   */
  public PartitionState state() {
    return state;
  }

  /**
   * The partition this log belongs to.
   *
   * @return the partition
   */
  public SourcePartition partition() {
    return partition;
  }

  /**
   * Reads the log again after a write whose outcome is unknown, so this writer continues from what is
   * really committed.
   *
   * @return the state as stored
   * @throws FencedException if another writer has claimed the partition since
   */
  public PartitionState reload() {
    PartitionState stored = read(storage, backupId, partition);
    if (!writerId.equals(stored.owner())) {
      throw new FencedException("writer " + writerId + " is fenced from " + partition + " of backup '" + backupId
          + "': writer " + stored.owner() + " claimed it");
    }
    state = stored;
    return state;
  }

  /**
   * Commits a span of the partition: the segment that holds its records, or none when the span holds
   * no record (all offsets absent). The span must start where the last commit ended.
   *
   * @param startOffset the first offset covered; equal to the current {@code nextOffset} unless this is
   *     the partition's first commit
   * @param nextOffset the new resume position
   * @param segment the committed segment, or null
   * @param skipped offsets lost before they could be read (inside the span)
   * @throws FencedException if another writer has claimed the partition since this one did
   */
  public void commit(long startOffset, long nextOffset, SegmentEntry segment, List<OffsetRange> skipped) {
    if (state.nextOffset() >= 0 && startOffset != state.nextOffset()) {
      throw new IllegalArgumentException("commit of " + partition + " starts at " + startOffset
          + " but the log is at " + state.nextOffset());
    }
    if (nextOffset < startOffset) {
      throw new IllegalArgumentException("commit of " + partition + " ends at " + nextOffset + " before " + startOffset);
    }
    long sequence = state.lastSequence() + 1;
    write(new Commit(Commit.FORMAT, sequence, CommitKind.SEGMENT, writerId, Instant.now().toString(), state.topicId(),
        startOffset, nextOffset, segment, List.copyOf(skipped), null, null, null));
    state = new PartitionState(sequence, writerId, withCurrent(state.incarnations(),
        state.current().append(startOffset, nextOffset, segment, skipped)), state.commitsSinceCheckpoint() + 1,
        state.expired());
    checkpointIfDue();
  }

  /**
   * Closes the current incarnation as it is and starts a new one: the topic was deleted and created
   * again, so its offsets start anew and belong to a different topic id.
   *
   * @param topicId the new topic id
   * @param startOffset where the new incarnation's backup starts (its log start)
   * @throws FencedException if another writer has claimed the partition since this one did
   * @throws IllegalArgumentException if {@code topicId} is the current incarnation's id
   */
  public void startIncarnation(String topicId, long startOffset) {
    if (topicId == null || topicId.equals(state.topicId())) {
      throw new IllegalArgumentException("a new incarnation of " + partition + " needs a new topic id, not " + topicId);
    }
    long sequence = state.lastSequence() + 1;
    String now = Instant.now().toString();
    write(new Commit(Commit.FORMAT, sequence, CommitKind.INCARNATION, writerId, now, topicId, startOffset, startOffset,
        null, null, null, null, null));
    Incarnation closed = state.current();
    state = new PartitionState(sequence, writerId, newIncarnation(state.incarnations(), topicId, now, startOffset),
        state.commitsSinceCheckpoint() + 1, state.expired());
    LOG.info("backup {} partition {}: topic id {} replaces {}; the old history is kept up to offset {}, the new one "
        + "starts at {}", backupId, partition, topicId, closed.topicId(), closed.nextOffset(), startOffset);
    checkpointIfDue();
  }

  private void checkpointIfDue() {
    if (state.commitsSinceCheckpoint() >= policy.checkpointInterval()
        || new Retention(policy, Instant.now()).due(state.incarnations(), state.expired(), deleted)) {
      checkpoint();
    }
  }

  private static List<Incarnation> withCurrent(List<Incarnation> incarnations, Incarnation current) {
    List<Incarnation> result = new ArrayList<>(incarnations);
    if (result.isEmpty()) {
      result.add(current);
    } else {
      result.set(result.size() - 1, current);
    }
    return result;
  }

  private static List<Incarnation> newIncarnation(List<Incarnation> incarnations, String topicId, String when,
      long startOffset) {
    List<Incarnation> result = new ArrayList<>(incarnations);
    if (!result.isEmpty()) {
      Incarnation current = result.remove(result.size() - 1);
      if (!current.coversNothing()) {
        result.add(current.close(when));
      } // else: a topic deleted before anything of it was backed up leaves nothing to keep
    }
    result.add(Incarnation.open(topicId, when, startOffset));
    return result;
  }

  /**
   * Appends a checkpoint: the tails go into manifests, retention drops what it no longer keeps, and the
   * checkpoint names the result. Then the commits before it are deleted, and the dropped manifests whose
   * delay is over. Every object the checkpoint names is written before it; nothing it names is deleted.
   */
  private void checkpoint() {
    long sequence = state.lastSequence() + 1;
    long previousCheckpoint = state.lastSequence() - state.commitsSinceCheckpoint();
    Instant now = Instant.now();
    ManifestWriter manifests = new ManifestWriter(storage, backupId, partition, writerId, sequence);
    List<Incarnation> incarnations = new ArrayList<>();
    for (Incarnation incarnation : state.incarnations()) {
      incarnations.add(manifests.flush(incarnation));
    }
    List<ExpiredManifest> expired = new ArrayList<>();
    for (ExpiredManifest e : state.expired()) {
      if (!deleted.remove(e.key())) {
        expired.add(e);
      }
    }
    Retention retention = new Retention(policy, now);
    int before = expired.size();
    incarnations = retention.apply(storage, incarnations, expired);
    Incarnation current = incarnations.isEmpty() ? Incarnation.NONE : incarnations.get(incarnations.size() - 1);
    write(new Commit(Commit.FORMAT, sequence, CommitKind.CHECKPOINT, writerId, now.toString(), current.topicId(),
        current.startOffset(), current.nextOffset(), null, null, null, incarnations, expired));
    state = new PartitionState(sequence, writerId, incarnations, 0, expired);
    if (expired.size() > before) {
      LOG.info("backup {} partition {}: retention dropped {} manifests; the history now starts at offset {}",
          backupId, partition, expired.size() - before, current.startOffset());
    }
    // The previous checkpoint and what follows it stay until the next one: a reader whose listing started
    // before this checkpoint was written still finds the one it lists, even if the commits it lists after
    // that are gone by the time it reads them (a listing is not a snapshot).
    if (previousCheckpoint > 0) {
      deleteCommitsBefore(previousCheckpoint);
    }
    for (ExpiredManifest e : expired) {
      if (retention.deletable(e)) {
        try {
          PartitionHistory.delete(storage, e);
          deleted.add(e.key());
        } catch (StorageException ex) {
          // Harmless: the manifest stays listed as dropped, and a later checkpoint deletes it.
          LOG.warn("backup {} partition {}: could not delete dropped manifest {}: {}", backupId, partition, e.key(),
              ex.getMessage());
        }
      }
    }
  }

  private void deleteCommitsBefore(long sequence) {
    List<ObjectKey> older = new ArrayList<>();
    try (Stream<ListEntry> entries = storage.list(BackupLayout.commitLogPrefix(backupId, partition))) {
      entries.forEach(entry -> {
        if (entry instanceof ListEntry.StoredObject object) {
          OptionalLong seq = BackupLayout.commitSequence(object.key());
          if (seq.isPresent() && seq.getAsLong() < sequence) {
            older.add(object.key());
          }
        }
      });
      storage.deleteAll(older);
    } catch (StorageException e) {
      // Harmless: readers start from the newest checkpoint; the next checkpoint deletes them.
      LOG.warn("backup {} partition {}: could not delete commits before checkpoint {}: {}", backupId, partition,
          sequence, e.getMessage());
    }
  }

  private void write(Commit commit) {
    ObjectKey key = BackupLayout.commit(backupId, partition, commit.sequence());
    byte[] json = BackupJson.write(commit);
    try {
      storage.put(key, json, PutOptions.createOnly());
    } catch (ObjectAlreadyExistsException e) {
      Commit existing = BackupJson.read(storage.get(key), Commit.class, key.value());
      if (sameContent(existing, commit)) {
        return; // our own earlier attempt landed; its answer was lost
      }
      throw new FencedException("writer " + writerId + " is fenced from " + partition + " of backup '" + backupId
          + "': commit " + commit.sequence() + " was written by writer " + existing.writer());
    }
  }

  private static boolean sameContent(Commit a, Commit b) {
    return a.writer().equals(b.writer()) && a.kind() == b.kind() && Objects.equals(a.topicId(), b.topicId())
        && Objects.equals(a.startOffset(), b.startOffset()) && Objects.equals(a.nextOffset(), b.nextOffset())
        && Objects.equals(a.segment(), b.segment());
  }

  private static PartitionState readOnce(StorageBackend storage, String backupId, SourcePartition partition,
      boolean emptyIsEmpty) {
    List<Long> sequences = new ArrayList<>();
    List<ObjectKey> keys = new ArrayList<>();
    try (Stream<ListEntry> entries = storage.list(BackupLayout.commitLogPrefix(backupId, partition))) {
      entries.forEach(entry -> {
        if (entry instanceof ListEntry.StoredObject object) {
          BackupLayout.commitSequence(object.key()).ifPresent(seq -> {
            sequences.add(seq);
            keys.add(object.key());
          });
        }
      });
    }
    if (keys.isEmpty()) {
      if (emptyIsEmpty) {
        return PartitionState.EMPTY;
      }
      // A listing is not a snapshot: one that ran across two checkpoints may find every commit it saw
      // deleted by the time it looked at each (the filesystem lists names, then reads their metadata),
      // although a log that has commits always holds its newest checkpoint. Only a second listing that
      // also finds nothing means the log is empty; one more LIST for a new partition's first claim.
      throw new LogChangedException("the commit log of " + partition + " in backup '" + backupId
          + "' listed no commit");
    }
    List<Commit> tail = new ArrayList<>();
    for (int i = keys.size() - 1; i >= 0; i--) {
      ObjectKey key = keys.get(i);
      Commit commit = BackupJson.read(storage.get(key), Commit.class, key.value());
      if (commit.format() > Commit.FORMAT) {
        throw new BackupException("'" + key + "' has commit format " + commit.format() + "; this version reads up to "
            + Commit.FORMAT);
      }
      if (commit.sequence() != sequences.get(i)) {
        throw new BackupException("'" + key + "' holds sequence " + commit.sequence());
      }
      tail.add(commit);
      if (commit.kind() == CommitKind.CHECKPOINT) {
        break;
      }
    }
    Collections.reverse(tail);
    Commit first = tail.get(0);
    if (first.kind() != CommitKind.CHECKPOINT && first.sequence() != 0) {
      throw new LogChangedException("the commit log of " + partition + " in backup '" + backupId
          + "' starts at sequence " + first.sequence() + " without a checkpoint: commits are missing");
    }
    String owner = null;
    List<Incarnation> incarnations = new ArrayList<>();
    List<ExpiredManifest> expired = List.of();
    int since = 0;
    long expected = first.sequence();
    for (Commit commit : tail) {
      if (commit.sequence() != expected++) {
        throw new BackupException("the commit log of " + partition + " in backup '" + backupId + "' lacks commit "
            + (expected - 1));
      }
      Incarnation current = incarnations.isEmpty() ? null : incarnations.get(incarnations.size() - 1);
      if (commit.kind() != CommitKind.INCARNATION && commit.kind() != CommitKind.CHECKPOINT && current != null
          && !current.accepts(commit.topicId())) {
        throw new BackupException("commit " + commit.sequence() + " of " + partition + " in backup '" + backupId
            + "' belongs to topic id " + commit.topicId() + " but continues the incarnation of topic id "
            + current.topicId() + ": the log mixes two topics");
      }
      switch (commit.kind()) {
        case CHECKPOINT:
          if (commit.incarnations() != null) {
            // Format 3 names manifests; format 2 lists every segment, which a reader holds as the tail.
            incarnations = new ArrayList<>(commit.incarnations());
          } else {
            // Format 1: one history without a topic id.
            incarnations = new ArrayList<>(List.of(new Incarnation(null, -1, null, null, commit.startOffset(),
                commit.nextOffset(), List.of(), commit.segments(), commit.skipped())));
          }
          expired = commit.expired() == null ? List.of() : commit.expired();
          owner = commit.writer();
          since = 0;
          break;
        case CLAIM:
          owner = commit.writer();
          incarnations = withCurrent(incarnations, current == null
              ? Incarnation.open(commit.topicId(), commit.committedAt(), -1) : current.adopt(commit.topicId()));
          since++;
          break;
        case SEGMENT:
          if (current == null) {
            throw new BackupException("commit " + commit.sequence() + " of " + partition + " in backup '" + backupId
                + "' adds a segment before any claim");
          }
          if (current.nextOffset() >= 0 && commit.startOffset() != current.nextOffset()) {
            throw new BackupException("commit " + commit.sequence() + " of " + partition + " in backup '" + backupId
                + "' starts at offset " + commit.startOffset() + " but the log was at " + current.nextOffset());
          }
          incarnations = withCurrent(incarnations, current.adopt(commit.topicId())
              .append(commit.startOffset(), commit.nextOffset(), commit.segment(), commit.skipped()));
          since++;
          break;
        case INCARNATION:
          if (commit.topicId() == null || current != null && commit.topicId().equals(current.topicId())) {
            throw new BackupException("commit " + commit.sequence() + " of " + partition + " in backup '" + backupId
                + "' starts an incarnation without a new topic id (" + commit.topicId() + ")");
          }
          incarnations = newIncarnation(incarnations, commit.topicId(), commit.committedAt(), commit.startOffset());
          since++;
          break;
        default:
          throw new AssertionError(commit.kind());
      }
    }
    return new PartitionState(tail.get(tail.size() - 1).sequence(), owner, incarnations, since, expired);
  }

  /** The listing showed a log without its start: a checkpoint was being written meanwhile, or commits are lost. */
  private static final class LogChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LogChangedException(String message) {
      super(message, null, false, false);
    }
  }
}
