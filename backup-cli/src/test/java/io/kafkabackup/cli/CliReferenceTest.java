package io.kafkabackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md carries every command's --help; this keeps it current. */
class CliReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "cli.md");
  private static final String BEGIN = "<!-- generated: every command's --help (CliReferenceTest) -->";
  private static final String END = "<!-- end of generated help -->";

  static String reference() {
    CommandLine root = new CommandLine(KafkaBackupCliAccess.newRoot());
    StringBuilder sb = new StringBuilder();
    append(sb, "kafka-backup", root);
    return sb.toString();
  }

  private static void append(StringBuilder sb, String name, CommandLine command) {
    if (name.endsWith(" help")) {
      return;
    }
    sb.append("\n### `").append(name).append("`\n\n```\n")
        .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      append(sb, name + " " + sub.getKey(), sub.getValue());
    }
  }

  @Test
  void theCliReferenceInDocsIsEveryCommandsHelp() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "docs/cli.md lacks the generated section markers");
    String expected = doc.substring(0, begin + BEGIN.length()) + "\n" + reference() + "\n" + doc.substring(end);
    if (Boolean.getBoolean("kbs.updateDocs")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
      doc = expected;
    }
    assertEquals(expected, doc, "docs/cli.md is stale: run ./mvnw -q -pl backup-cli -am verify -Dkbs.updateDocs=true "
        + "-Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false");
  }

  @Test
  void everyOptionWithADefaultShowsItInHelp() {
    checkDefaults(new CommandLine(KafkaBackupCliAccess.newRoot()));
  }

  private static void checkDefaults(CommandLine command) {
    String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
      String shown = option.defaultValueString(true);
      if (option.defaultValue() != null && !option.usageHelp() && !option.versionHelp()) {
        assertTrue(usage.contains("Default: " + shown), command.getCommandName() + " " + option.longestName()
            + " does not show its default " + shown + ":\n" + usage);
      }
    }
    command.getSubcommands().values().forEach(CliReferenceTest::checkDefaults);
  }
}
