package io.kafkabackup.cli;

import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kafka-backup config check}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration commands.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

  /** Prints the resolved configuration (secrets masked) and proves storage and Kafka are reachable. */
  @Command(name = "check", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Print the resolved configuration with secrets masked, then open the storage and the cluster. "
          + "Exit 1, naming what did not answer, when the storage or the cluster is unreachable.")
  static final class Check extends CliCommand {
    @Option(names = "--timeout", defaultValue = "10s", description = "How long the cluster may take to answer.")
    String timeout;

    @Override
    public Integer call() {
      CliContext ctx = context();
      Duration wait = Enums.duration("--timeout", timeout);
      for (String section : new String[] {"backup", "restore"}) {
        ctx.section(section).allow(section.equals("backup") ? BackupCommand.KEYS : RestoreSettings.KEYS);
      }
      ctx.section("metrics").allow(MetricsSettings.KEYS);
      if (json()) {
        printJson(ctx.out, ctx.maskedConfig());
      } else {
        ctx.maskedConfig().forEach((k, v) -> ctx.out.println(k + " = " + v));
      }
      boolean reachable = storageAnswers(ctx) & kafkaAnswers(ctx, ctx.kafkaConfig(), "kafka", wait);
      if (ctx.section("restore").node().has("kafka")) {
        reachable &= kafkaAnswers(ctx, ctx.restoreKafkaConfig(), "restore.kafka", wait);
      }
      ctx.out.flush();
      return reachable ? ExitCode.OK : ExitCode.FAILED;
    }

    private static boolean storageAnswers(CliContext ctx) {
      try (StorageBackend storage = ctx.openStorage()) {
        try (var entries = storage.list(ListOptions.prefix("").delimited().pageSize(1))) {
          entries.findFirst();
        }
        ctx.out.println("storage: reachable (" + storage.type() + ")");
        return true;
      } catch (StorageException e) {
        ctx.out.println("storage: unreachable: " + e.getMessage());
        return false;
      }
    }

    /** Asks the cluster for its id within {@code wait}; the client's own retries are bounded by it too. */
    private static boolean kafkaAnswers(CliContext ctx, Map<String, Object> config, String name, Duration wait) {
      Map<String, Object> props = new HashMap<>(config);
      int millis = (int) Math.min(Integer.MAX_VALUE, wait.toMillis());
      props.put("default.api.timeout.ms", millis);
      props.put("request.timeout.ms", millis);
      Admin admin = Admin.create(props);
      try {
        String cluster = admin.describeCluster().clusterId().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        ctx.out.println(name + ": reachable (cluster " + cluster + ")");
        return true;
      } catch (TimeoutException | ExecutionException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        ctx.out.println(name + ": unreachable: bootstrap.servers " + config.get("bootstrap.servers")
            + " gave no answer within " + wait.toMillis() + " ms"
            + (cause.getMessage() == null || cause instanceof TimeoutException ? "" : " (" + cause.getMessage() + ")"));
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        admin.close(Duration.ZERO); // never wait for a call that has no answer
      }
    }
  }
}
