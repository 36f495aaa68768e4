package io.ecokube.core.engine;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.lifecycle.Lifecycle;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sticky quarantine: the N-th entry of a node into FAILED without having worked in between holds it
 * in maintenance (never probed or woken) until an operator clears it. The mark lives in the
 * record's error, so it survives a restart; the count of failed cycles does not.
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private final int after;
  private final Predicate<String> cleared;
  private final BiConsumer<String, String> report;
  // Entries into FAILED since the node last worked; a restart starts again from zero, the
  // maintenance mark itself is persisted in the record.
  private final Map<String, Integer> failedCycles = new HashMap<>();

  Maintenance(int after, Predicate<String> cleared, BiConsumer<String, String> report) {
    if (after < 1) {
      throw new IllegalArgumentException(
          "maintenance after must be >= 1 failed cycles, got " + after);
    }
    this.after = after;
    this.cleared = cleared;
    this.report = report;
  }

  /** Whether the record is held in maintenance. */
  static boolean holds(NodeRecord r) {
    return r != null
        && r.state() == NodeLifecycle.FAILED
        && r.lastError().map(e -> e.startsWith(EcoKubeEngine.MAINTENANCE)).orElse(false);
  }

  /** Counts entries into FAILED; the N-th turns the quarantine into maintenance. */
  Lifecycle.Step step(String node, NodeRecord before, Lifecycle.Step step) {
    NodeRecord after = step.record();
    if (after.state() == NodeLifecycle.ACTIVE) {
      failedCycles.remove(node);
      return step;
    }
    if (after.state() != NodeLifecycle.FAILED || before.state() == NodeLifecycle.FAILED) {
      return step;
    }
    int cycles = failedCycles.merge(node, 1, Integer::sum);
    if (cycles < this.after) {
      return step;
    }
    String why =
        EcoKubeEngine.MAINTENANCE
            + " after "
            + cycles
            + " failed cycles (last: "
            + after.lastError().orElse("failed")
            + "); an operator must clear it";
    NodeRecord held =
        new NodeRecord(
            NodeLifecycle.FAILED,
            after.since(),
            after.powerOns(),
            after.lastPoweredOff(),
            after.attempts(),
            0,
            Optional.of(why));
    LOG.warn("node {}: {}", node, why);
    try {
      report.accept(node, why);
    } catch (RuntimeException e) {
      LOG.warn("maintenance report for node {} failed: {}", node, e.toString());
    }
    return new Lifecycle.Step(held, Optional.of(step.reason().orElse(why) + "; " + why));
  }

  /**
   * Whether an operator has cleared the node out of maintenance; if so its failed cycles start
   * again from zero. A failing question counts as not cleared.
   */
  boolean cleared(String node) {
    boolean yes;
    try {
      yes = cleared.test(node);
    } catch (RuntimeException ex) {
      LOG.warn("could not ask whether node {} left maintenance: {}", node, ex.toString());
      yes = false;
    }
    if (yes) {
      failedCycles.remove(node);
    }
    return yes;
  }
}
