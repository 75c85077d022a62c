package io.kafkabackup.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.storage.testkit.PrometheusServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules shipped in {@code docs/alerts} are valid Prometheus rules, and their unit tests (each
 * alert fires when it should and not before) pass, with Prometheus' own {@code promtool}.
 */
class AlertRulesTest {
  private static final Path ALERTS = Path.of("..", "docs", "alerts").toAbsolutePath().normalize();

  @Test
  void theAlertRulesAreValidAndEachFiresWhenItShould() throws Exception {
    String check = promtool("check", "rules", "kafka-backup.rules.yml");
    assertTrue(check.contains("SUCCESS: 4 rules found"), check);
    String test = promtool("test", "rules", "kafka-backup.rules.test.yml");
    assertTrue(test.contains("SUCCESS"), test);
  }

  private static String promtool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = PrometheusServer.promtool().toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).directory(ALERTS.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    return output;
  }
}
