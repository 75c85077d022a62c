package io.kafkabackup.cli;

import io.kafkabackup.storage.ListOptions;
import io.kafkabackup.storage.StorageBackend;
import io.kafkabackup.storage.StorageException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    /**
     * The JSON document of {@code config check --output json}.
     *
     * @param config the resolved configuration, secrets masked
     * @param reachability each endpoint ({@code storage}, {@code kafka}, {@code restore.kafka}) and what it answered
     */
    record Document(Map<String, String> config, Map<String, String> reachability) {
    }

    @Override
    public Integer call() {
      CliContext ctx = context();
      Duration wait = Enums.duration("--timeout", timeout);
      for (String section : new String[] {"backup", "restore"}) {
        ctx.section(section).allow(section.equals("backup") ? BackupCommand.KEYS : RestoreSettings.KEYS);
      }
      ctx.section("metrics").allow(MetricsSettings.KEYS);
      Map<String, String> config = ctx.maskedConfig();
      if (!json()) {
        config.forEach((k, v) -> ctx.out.println(k + " = " + v));
        ctx.out.flush();
      }
      Map<String, String> reachability = new LinkedHashMap<>();
      reachability.put("storage", storageAnswer(ctx));
      reachability.put("kafka", kafkaAnswer(ctx.kafkaConfig(), wait));
      if (ctx.section("restore").node().has("kafka")) {
        reachability.put("restore.kafka", kafkaAnswer(ctx.restoreKafkaConfig(), wait));
      }
      if (json()) {
        printJson(ctx.out, new Document(config, reachability));
      } else {
        reachability.forEach((what, answer) -> ctx.out.println(what + ": " + answer));
      }
      ctx.out.flush();
      return reachability.values().stream().allMatch(a -> a.startsWith("reachable")) ? ExitCode.OK : ExitCode.FAILED;
    }

    private static String storageAnswer(CliContext ctx) {
      try (StorageBackend storage = ctx.openStorage()) {
        try (var entries = storage.list(ListOptions.prefix("").delimited().pageSize(1))) {
          entries.findFirst();
        }
        return "reachable (" + storage.type() + ")";
      } catch (StorageException e) {
        return "unreachable: " + e.getMessage();
      }
    }

    /** Asks the cluster for its id within {@code wait}; the client's own retries are bounded by it too. */
    private static String kafkaAnswer(Map<String, Object> config, Duration wait) {
      Map<String, Object> props = new HashMap<>(config);
      int millis = (int) Math.min(Integer.MAX_VALUE, wait.toMillis());
      props.put("default.api.timeout.ms", millis);
      props.put("request.timeout.ms", millis);
      Admin admin = Admin.create(props);
      try {
        return "reachable (cluster " + admin.describeCluster().clusterId().get(wait.toMillis(), TimeUnit.MILLISECONDS)
            + ")";
      } catch (TimeoutException | ExecutionException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        return "unreachable: bootstrap.servers " + config.get("bootstrap.servers") + " gave no answer within "
            + wait.toMillis() + " ms"
            + (cause.getMessage() == null || cause instanceof TimeoutException ? "" : " (" + cause.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unreachable: interrupted";
      } finally {
        admin.close(Duration.ZERO); // never wait for a call that has no answer
      }
    }
  }
}
