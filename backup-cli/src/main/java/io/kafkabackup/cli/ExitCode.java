package io.kafkabackup.cli;

/** The CLI's exit codes, documented in {@code docs/cli.md}. */
public final class ExitCode {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** The command failed (Kafka, storage, a corrupt segment during restore, a stop by SIGTERM…). */
  public static final int FAILED = 1;
  /** Usage or configuration error; nothing was done. */
  public static final int CONFIG = 2;
  /** {@code verify} ran and found problems in the backup. */
  public static final int VERIFY_PROBLEMS = 3;
  /** {@code cache restore --fail-on-miss} found no entry. */
  public static final int CACHE_MISS = 4;

  private ExitCode() {
  }
}
