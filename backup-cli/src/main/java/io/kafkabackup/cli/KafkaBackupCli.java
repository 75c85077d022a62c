package io.kafkabackup.cli;

import io.kafkabackup.backup.BackupException;
import io.kafkabackup.backup.SelectionException;
import io.kafkabackup.cache.CacheException;
import io.kafkabackup.storage.StorageException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kafka-backup}: back Kafka topics up into a filesystem, S3 or Azure Blob Storage, restore them
 * exactly once, and look after the backups. Exit codes: {@value ExitCode#OK} done, {@value ExitCode#FAILED}
 * failed, {@value ExitCode#CONFIG} usage or configuration error, {@value ExitCode#VERIFY_PROBLEMS}
 * verification found problems.
 */
@Command(name = "kafka-backup", mixinStandardHelpOptions = true, versionProvider = KafkaBackupCli.Version.class,
    description = "Back up Kafka topics to a filesystem, S3 or Azure Blob Storage and restore them exactly once.",
    subcommands = {BackupCommand.class, RestoreCommand.class, ValidateRestoreCommand.class, ListCommand.class,
        DescribeCommand.class,
        VerifyCommand.class, RekeyCommand.class, PruneCommand.class, GroupsCommand.class, CacheCommand.class, ConfigCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 done, 1 failed, 2 usage or configuration error, 3 verification found problems (verify,",
        "validate-restore),",
        "4 cache miss with --fail-on-miss.",
        "Docs: docs/cli.md"})
public final class KafkaBackupCli implements Runnable {
  final Map<String, String> env;
  final PrintStream stdout;
  final PrintStream stderr;
  /** Storage settings that come before the file's and the flags' (plugin mode's). */
  final Map<String, String> presetStorage;

  private KafkaBackupCli(Map<String, String> env, PrintStream stdout, PrintStream stderr,
      Map<String, String> presetStorage) {
    this.env = env;
    this.stdout = stdout;
    this.stderr = stderr;
    this.presetStorage = presetStorage;
  }

  /**
   * Runs the command line and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Runs the command line in this JVM. With no arguments and {@code PLUGIN_REBUILD}, {@code PLUGIN_RESTORE}
   * or {@code PLUGIN_FLUSH} in {@code env}, runs as a drone-cache compatible plugin step.
   *
   * @param args the arguments
   * @param env the environment ({@code ${VAR}} in the file, secrets, provider credentials)
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Map<String, String> preset = Map.of();
    if (PluginMode.requested(args, env)) {
      PluginMode.Invocation plugin;
      try {
        plugin = PluginMode.from(env);
      } catch (ConfigException e) {
        err.println("configuration error: " + e.getMessage());
        return ExitCode.CONFIG;
      }
      plugin.notes().forEach(out::println);
      args = plugin.args().toArray(String[]::new);
      preset = plugin.storage();
    }
    configureLogging(args);
    CommandLine cli = new CommandLine(new KafkaBackupCli(env, out, err, preset));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException || e instanceof SelectionException) {
        commandLine.getErr().println("configuration error: " + e.getMessage());
        return ExitCode.CONFIG;
      }
      if (e instanceof BackupException || e instanceof StorageException || e instanceof KafkaException
          || e instanceof CacheException || e instanceof IllegalArgumentException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return e instanceof IllegalArgumentException ? ExitCode.CONFIG : ExitCode.FAILED;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /** slf4j-simple reads its settings once, from system properties: set them before any logger exists. */
  private static void configureLogging(String[] args) {
    int verbose = 0;
    for (String arg : args) {
      if (arg.equals("-v") || arg.equals("--verbose")) {
        verbose++;
      } else if (arg.matches("-v+")) {
        verbose += arg.length() - 1;
      }
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose >= 2 ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.kafkabackup", verbose >= 2 ? "debug" : verbose == 1 ? "info" : "warn");
    // Kafka's clients warn about conditions they retry on their own (an unreachable broker every second,
    // a topic being re-created, the last stable offset of a fresh partition); the job reports what
    // matters itself, so their warnings show from -v on.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", verbose >= 2 ? "info" : verbose == 1 ? "warn"
        : "error");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  }

  /**
   * The root command, for tools that read its help (the docs test) without running it.
   *
   * @param env the environment
   * @return the command object
   */
  static KafkaBackupCli forInspection(Map<String, String> env) {
    return new KafkaBackupCli(env, System.out, System.err, Map.of());
  }

  @Override
  public void run() {
    CommandLine.usage(this, stdout);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KafkaBackupCli.class.getPackage().getImplementationVersion();
      return new String[] {"kafka-backup " + (v == null ? "development build" : v)};
    }
  }
}
