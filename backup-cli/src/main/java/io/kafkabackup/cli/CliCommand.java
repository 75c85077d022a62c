package io.kafkabackup.cli;

import io.kafkabackup.backup.BackupJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command shares: the common options, {@code --output}, and its context. */
abstract class CliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Mixin
  CommonOptions common;
  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
  String output;

  /** The settings from the file and the flags; reading the file fails first if it is wrong. */
  CliContext context() {
    if (!output.equals("table") && !output.equals("json")) {
      throw new ConfigException("--output: expected table or json, got '" + output + "'");
    }
    KafkaBackupCli root = root();
    return new CliContext(common, root.env, root.presetStorage, new PrintWriter(root.stdout, true,
        StandardCharsets.UTF_8));
  }

  KafkaBackupCli root() {
    return (KafkaBackupCli) spec.root().userObject();
  }

  boolean json() {
    return output.equals("json");
  }

  static void printJson(PrintWriter out, Object value) {
    out.println(new String(BackupJson.write(value), StandardCharsets.UTF_8));
    out.flush();
  }
}
