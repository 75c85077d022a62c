package io.kafkabackup.cli;

import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.StorageBackend;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;

/** {@code kafka-backup config check}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration commands.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

  /** Prints the resolved configuration (secrets masked) and proves storage and Kafka are reachable. */
  @Command(name = "check", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Print the resolved configuration with secrets masked, then open the storage and the cluster.")
  static final class Check extends CliCommand {

    @Override
    public Integer call() throws Exception {
      CliContext ctx = context();
      for (String section : new String[] {"backup", "restore"}) {
        ctx.section(section).allow(section.equals("backup") ? BackupCommand.KEYS : RestoreSettings.KEYS);
      }
      if (json()) {
        printJson(ctx.out, ctx.maskedConfig());
      } else {
        ctx.maskedConfig().forEach((k, v) -> ctx.out.println(k + " = " + v));
      }
      try (StorageBackend storage = ctx.openStorage()) {
        try (var entries = storage.list(ListOptions.prefix("").delimited().pageSize(1))) {
          entries.findFirst();
        }
        ctx.out.println("storage: reachable (" + storage.type() + ")");
      }
      try (Admin admin = Admin.create(new HashMap<>(ctx.kafkaConfig()))) {
        String cluster = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        ctx.out.println("kafka: reachable (cluster " + cluster + ")");
      }
      ctx.out.flush();
      return ExitCode.OK;
    }
  }
}
