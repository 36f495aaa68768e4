package io.ecokube.core.engine;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.core.lifecycle.Lifecycle;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's node records: every change goes through {@link #apply}, which counts failed cycles
 * for {@link Maintenance}, saves the record to the {@link NodeStateStore} and tells the listeners
 * of each state change. Confined to the reconcile step (the engine's lock).
 */
final class NodeBook {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private final Map<String, NodeRecord> records = new HashMap<>();
  private final NodeStateStore store;
  private final Maintenance maintenance;
  private final EngineListeners listeners;

  NodeBook(NodeStateStore store, Maintenance maintenance, EngineListeners listeners) {
    this.store = store;
    this.maintenance = maintenance;
    this.listeners = listeners;
  }

  NodeRecord get(String node) {
    return records.get(node);
  }

  /** A read-only view of every record. */
  Map<String, NodeRecord> all() {
    return Collections.unmodifiableMap(records);
  }

  /**
   * The node's record; a node seen for the first time is loaded from the store (so a restarted
   * engine resumes), or starts UNKNOWN and is saved.
   */
  NodeRecord seen(String node, Instant now) {
    NodeRecord r = records.get(node);
    if (r == null) {
      Optional<NodeRecord> stored = load(node);
      r = stored.orElse(NodeRecord.initial(NodeLifecycle.UNKNOWN, now));
      records.put(node, r);
      if (stored.isEmpty()) {
        save(node, r);
      }
    }
    return r;
  }

  boolean inMaintenance(String node) {
    return Maintenance.holds(records.get(node));
  }

  /** Lets nodes an operator cleared out of maintenance: UNKNOWN, so they are read first. */
  void releaseCleared(Set<String> inFlight, Instant now) {
    for (Map.Entry<String, NodeRecord> e : List.copyOf(records.entrySet())) {
      String node = e.getKey();
      if (!Maintenance.holds(e.getValue()) || inFlight.contains(node)) {
        continue;
      }
      if (maintenance.cleared(node)) {
        apply(
            node,
            e.getValue(),
            new Lifecycle.Step(
                NodeRecord.initial(NodeLifecycle.UNKNOWN, now),
                Optional.of("maintenance cleared by an operator")),
            now);
      }
    }
  }

  void apply(String node, NodeRecord before, Lifecycle.Step step, Instant now) {
    if (!step.changed()) {
      return;
    }
    step = maintenance.step(node, before, step);
    NodeRecord after = step.record();
    records.put(node, after);
    save(node, after);
    if (after.state() != before.state()) {
      NodeTransition t =
          new NodeTransition(node, before.state(), after.state(), now, step.reason().orElseThrow());
      LOG.info("node {}: {} -> {}: {}", node, t.from(), t.to(), t.reason());
      listeners.tell(l -> l.onTransition(t));
    }
  }

  private Optional<NodeRecord> load(String name) {
    try {
      return store.load(name);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not load the state of node {}; starting from UNKNOWN: {}", name, e.toString());
      return Optional.empty();
    }
  }

  private void save(String node, NodeRecord r) {
    try {
      store.save(node, r);
    } catch (RuntimeException e) {
      LOG.warn("could not save the state of node {}: {}", node, e.toString());
    }
  }
}
