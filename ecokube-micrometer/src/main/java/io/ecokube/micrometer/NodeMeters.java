package io.ecokube.micrometer;

import static io.ecokube.micrometer.MeterSet.label;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Node lifecycle meters: how many nodes are in each state, the transitions between states, the boot
 * time (BOOTING to ACTIVE) and the wake latency (planned wake to ACTIVE).
 */
final class NodeMeters {
  // Booting a server takes from seconds (a VM, a warm BMC) to many minutes (POST with much RAM).
  static final Duration[] BOOT_BUCKETS = {
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120),
    Duration.ofSeconds(180),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600),
    Duration.ofSeconds(900),
    Duration.ofSeconds(1800)
  };

  private final MeterSet meters;

  // Guarded by this.
  private final Map<String, NodeLifecycle> nodeStates = new HashMap<>();
  private final EnumMap<NodeLifecycle, Integer> stateCounts = new EnumMap<>(NodeLifecycle.class);

  private final Map<String, Instant> wakePlannedAt = new ConcurrentHashMap<>();
  private final Map<String, Instant> bootStartedAt = new ConcurrentHashMap<>();
  private final Timer wakeLatency;
  private final Timer bootTime;

  NodeMeters(MeterSet meters) {
    this.meters = meters;
    for (NodeLifecycle s : NodeLifecycle.values()) {
      stateCounts.put(s, 0);
      meters.keep(
          Gauge.builder("ecokube.nodes", this, m -> m.nodesIn(s))
              .description("Nodes in each Eco-Kube lifecycle state")
              .tag("state", label(s))
              .register(meters.registry));
    }
    wakeLatency =
        meters.keep(
            Timer.builder("ecokube.wake.latency")
                .description("From the decision to wake a node to the node being ACTIVE")
                .serviceLevelObjectives(BOOT_BUCKETS)
                .register(meters.registry));
    bootTime =
        meters.keep(
            Timer.builder("ecokube.boot.duration")
                .description("From BOOTING to ACTIVE: how long a node takes to boot and be Ready")
                .serviceLevelObjectives(BOOT_BUCKETS)
                .register(meters.registry));
  }

  /** A wake was planned: its latency runs until the node is ACTIVE. */
  void wakePlanned(String node, Instant at) {
    wakePlannedAt.putIfAbsent(node, at);
  }

  /** Moves the node between state gauges and records boot time and wake latency on ACTIVE. */
  void transition(NodeTransition t) {
    observe(t.node(), t.to());
    meters
        .counter(
            "ecokube.node.transitions",
            "Node lifecycle transitions",
            "from",
            label(t.from()),
            "to",
            label(t.to()))
        .increment();
  }

  /** After the node's energy meter is bound: the timers that end or start with the transition. */
  void time(NodeTransition t) {
    switch (t.to()) {
      case BOOTING -> bootStartedAt.put(t.node(), t.at());
      case ACTIVE -> {
        Instant booted = bootStartedAt.remove(t.node());
        if (booted != null && t.from() == NodeLifecycle.BOOTING) {
          bootTime.record(nonNegative(Duration.between(booted, t.at())));
        }
        Instant planned = wakePlannedAt.remove(t.node());
        if (planned != null) {
          wakeLatency.record(nonNegative(Duration.between(planned, t.at())));
        }
      }
      case OFF, FAILED -> {
        // A wake that did not end ACTIVE has no latency; a retry is timed on its own.
        bootStartedAt.remove(t.node());
        wakePlannedAt.remove(t.node());
      }
      default -> {}
    }
  }

  /** Counts a node in a state; a node's first state also counts it: until then it was in none. */
  synchronized void observe(String node, NodeLifecycle state) {
    NodeLifecycle before = nodeStates.put(node, state);
    if (before != null) {
      stateCounts.merge(before, -1, Integer::sum);
    }
    stateCounts.merge(state, 1, Integer::sum);
  }

  private synchronized double nodesIn(NodeLifecycle s) {
    return stateCounts.get(s);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
