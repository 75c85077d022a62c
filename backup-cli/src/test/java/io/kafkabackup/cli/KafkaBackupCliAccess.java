package io.kafkabackup.cli;

import java.util.Map;

/** Builds the root command for tests that inspect it without running it. */
final class KafkaBackupCliAccess {
  private KafkaBackupCliAccess() {
  }

  static Object newRoot() {
    return KafkaBackupCli.forInspection(Map.of());
  }
}
