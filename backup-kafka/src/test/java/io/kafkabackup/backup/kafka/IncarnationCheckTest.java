package io.kafkabackup.backup.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kafkabackup.backup.kafka.IncarnationCheck.Decision;
import io.kafkabackup.backup.layout.SourcePartition;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker's decision for a stored position against the cluster. The truncated case (same topic id, log
 * end below the stored position) needs an unclean leader election, which one test broker cannot produce:
 * it is tested here; the other outcomes also run against a real broker (integration-tests).
 */
class IncarnationCheckTest {
  private static final String OLD = "gQ0b3XbVQfGp4mTQmC8Q8w";
  private static final String NEW = "3fUq0pOzRlemv1Gh2sVQ9w";

  @Test
  void theSameTopicContinuesWhereverItsPositionIsWithinTheLog() {
    assertEquals(Decision.CONTINUE, IncarnationCheck.decide(OLD, 250, OLD, 250));
    assertEquals(Decision.CONTINUE, IncarnationCheck.decide(OLD, 250, OLD, 400));
    assertEquals(Decision.CONTINUE, IncarnationCheck.decide(OLD, -1, OLD, 0), "nothing committed yet");
    assertEquals(Decision.CONTINUE, IncarnationCheck.decide(null, -1, OLD, 10), "a new log adopts the id");
  }

  @Test
  void aNewTopicIdIsANewIncarnationWhetherItsLogIsShorterOrLonger() {
    assertEquals(Decision.NEW_INCARNATION, IncarnationCheck.decide(OLD, 250, NEW, 150));
    assertEquals(Decision.NEW_INCARNATION, IncarnationCheck.decide(OLD, 250, NEW, 400));
    assertEquals(Decision.NEW_INCARNATION, IncarnationCheck.decide(OLD, 250, NEW, 250));
  }

  @Test
  void aMissingTopicWaits() {
    assertEquals(Decision.TOPIC_MISSING, IncarnationCheck.decide(OLD, 250, null, -1));
    assertEquals(Decision.TOPIC_MISSING, IncarnationCheck.decide(null, -1, null, -1));
  }

  @Test
  void theSameTopicWhoseLogEndsBelowThePositionWasTruncatedAndStops() {
    assertEquals(Decision.TRUNCATED, IncarnationCheck.decide(OLD, 250, OLD, 249));
    assertEquals(Decision.TRUNCATED, IncarnationCheck.decide(OLD, 250, OLD, 0));
    // a format-1 history has no id to compare: offsets going backwards are never guessed around
    assertEquals(Decision.TRUNCATED, IncarnationCheck.decide(null, 250, NEW, 100));
  }

  @Test
  void theTruncatedErrorNamesTopicPartitionPositionAndLogEnd() {
    String message = IncarnationCheck.truncatedMessage("nightly", new SourcePartition("orders", 3), OLD, 250, 120);
    for (String part : new String[] {"nightly", "orders-3", "250", "120", OLD, "unclean leader election"}) {
      assertTrue(message.contains(part), part + " missing from: " + message);
    }
    assertTrue(IncarnationCheck.truncatedMessage("n", new SourcePartition("orders", 0), null, 5, 1)
        .contains("created again"));
  }

  @Test
  void theRestorePositionCarriesTheIncarnationsTopicId() {
    RestoreCheckpoint checkpoint = new RestoreCheckpoint(42, false, NEW, Map.of(10L, 3L));
    assertEquals(checkpoint, RestoreCheckpoint.parse(42, checkpoint.metadata(), "g"));
    RestoreCheckpoint older = RestoreCheckpoint.parse(7, "kb1;done=1;map=1:2", "g");
    assertEquals(new RestoreCheckpoint(7, true, null, Map.of(1L, 2L)), older);
  }
}
