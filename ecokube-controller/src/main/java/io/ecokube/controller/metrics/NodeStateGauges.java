package io.ecokube.controller.metrics;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.micrometer.EcoKubeMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Keeps the {@code ecokube_nodes} gauges equal to the engine's records from the first reconcile
 * after a start. The gauges move on transitions; an engine that resumes from its state store has no
 * transition for a node that stays where it was, so after a restart or a failover every node would
 * count in no state (the gauges read 0) until it next changed. After each reconcile step this tells
 * the metrics the state of every node whose state the metrics have not seen yet.
 *
 * <p>Called from the engine's decision timer, which runs on every step (the engine tells its
 * listeners only about plans with something in them, and a quiet cluster has none).
 */
public final class NodeStateGauges {
  private final EcoKubeMetrics metrics;
  private final Supplier<Map<String, NodeRecord>> records;
  private final Map<String, NodeLifecycle> told = new HashMap<>();

  /**
   * @param metrics the gauges
   * @param records the engine's records now (called on the reconcile thread, after each step)
   */
  public NodeStateGauges(EcoKubeMetrics metrics, Supplier<Map<String, NodeRecord>> records) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.records = Objects.requireNonNull(records, "records");
  }

  /** Tells the metrics every node's state they have not seen yet. */
  public synchronized void sync() {
    records
        .get()
        .forEach(
            (node, r) -> {
              if (told.put(node, r.state()) != r.state()) {
                // Counting a node again in the state it is in moves nothing: the gauges move a
                // node out of its previous state first.
                metrics.observeNode(node, r.state());
              }
            });
  }
}
