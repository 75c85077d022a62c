package io.kafkabackup.cli;

import io.kafkabackup.backup.kafka.GroupOffsetTranslation;
import io.kafkabackup.backup.kafka.GroupOffsetsRestore;
import io.kafkabackup.backup.kafka.RestoreOptions;
import io.kafkabackup.storage.StorageBackend;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;

/** {@code kafka-backup groups plan|apply}: the backed-up consumer groups' offsets on the restored topics. */
@Command(name = "groups", mixinStandardHelpOptions = true,
    description = "Translate the backed-up consumer-group offsets to a restore's topics: plan, then apply.",
    subcommands = {GroupsCommand.Plan.class, GroupsCommand.Apply.class})
final class GroupsCommand {

  /** Shared by plan and apply. */
  abstract static class GroupsAction extends CliCommand {
    @ArgGroup(exclusive = false, heading = "The restore:%n")
    RestoreSettings settings = new RestoreSettings();

    @Override
    public Integer call() {
      CliContext ctx = context();
      RestoreOptions options = settings.build(ctx, null); // group offsets read no segment: no key needed
      try (StorageBackend storage = ctx.openStorage()) {
        GroupOffsetsRestore groups = new GroupOffsetsRestore(storage, options);
        List<GroupOffsetTranslation> plan = groups.plan();
        if (json()) {
          printJson(ctx.out, new Plan.Document(plan));
        } else {
          Formats.table(ctx.out, List.of("GROUP", "SOURCE", "OFFSET", "TARGET", "OFFSET", "STATUS"), plan.stream()
              .map(r -> List.of(r.group(), r.sourceTopic() + "-" + r.sourcePartition(), String.valueOf(r.sourceOffset()),
                  r.targetTopic() + "-" + r.targetPartition(), String.valueOf(r.targetOffset()), r.status()))
              .collect(Collectors.toList()));
        }
        act(groups, plan, ctx.out);
        ctx.out.flush();
        return ExitCode.OK;
      }
    }

    abstract void act(GroupOffsetsRestore groups, List<GroupOffsetTranslation> plan, PrintWriter out);
  }

  /** {@code groups plan}. */
  @Command(name = "plan", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Print each group's source offset and the target offset it becomes; change nothing.")
  static final class Plan extends GroupsAction {
    @Override
    void act(GroupOffsetsRestore groups, List<GroupOffsetTranslation> plan, PrintWriter out) {
    }

    /**
     * The JSON document of {@code groups plan --output json}.
     *
     * @param offsets one row per group, topic and partition
     */
    record Document(List<GroupOffsetTranslation> offsets) {
    }
  }

  /** {@code groups apply}. */
  @Command(name = "apply", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Commit the planned offsets in the target cluster; refuses groups with active members.")
  static final class Apply extends GroupsAction {
    @Override
    void act(GroupOffsetsRestore groups, List<GroupOffsetTranslation> plan, PrintWriter out) {
      List<String> applied = groups.apply(plan);
      out.println("offsets set for: " + (applied.isEmpty() ? "no group" : String.join(", ", applied)));
    }
  }
}
