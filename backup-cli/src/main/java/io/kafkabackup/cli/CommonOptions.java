package io.kafkabackup.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML configuration file (storage:, kafka:, backup:, restore:). Default: none.")
  Path config;

  @Option(names = "--storage", paramLabel = "KEY=VALUE",
      description = "Sets a storage.* key, overriding the file (repeatable), e.g. --storage storage.prefix=prod.")
  Map<String, String> storage = new LinkedHashMap<>();

  @Option(names = {"-X", "--kafka"}, paramLabel = "KEY=VALUE",
      description = "Sets a Kafka client property, overriding the file (repeatable), e.g. -X bootstrap.servers=host:9092.")
  Map<String, String> kafka = new LinkedHashMap<>();

  @Option(names = "--secret-dir", paramLabel = "DIR", defaultValue = "${env:KAFKA_BACKUP_SECRET_DIR:-/var/run/secrets/kafka-backup}",
      description = "Where mounted secrets named by credentialsSecret are read.")
  Path secretDir;

  @Option(names = {"-v", "--verbose"}, description = "Logs what the job does (INFO); twice for DEBUG.")
  boolean[] verbose = new boolean[0];
}
