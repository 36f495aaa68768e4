package io.ecokube.controller.safety;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.config.Safety;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.KubernetesClusterView;
import io.ecokube.kubernetes.KubernetesEventRecorder;
import io.ecokube.kubernetes.NodeHintPolicy;
import io.ecokube.kubernetes.NodeMaintenanceStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config's {@code safety} section in the controller: which hints a Node may give ({@link
 * #nodeHints}), the cluster-health breaker, and sticky maintenance with its report on the Node (an
 * annotation), as a Warning Event and as the counter {@code ecokube.maintenance.entered}.
 */
public final class SafetyWiring {
  private static final Logger LOG = LoggerFactory.getLogger(SafetyWiring.class);

  private SafetyWiring() {}

  /** The Node hint policy the config allows. */
  public static NodeHintPolicy nodeHints(Safety safety) {
    NodeHintPolicy.Builder b = NodeHintPolicy.builder().acceptMac(safety.acceptMacHint());
    safety.bmcNetworks().forEach(n -> b.allowBmcNetwork(n.toString()));
    return b.build();
  }

  /** The breaker, for every engine (dry runs plan with it too). */
  public static void clusterHealth(Safety safety, EcoKubeEngine.Builder engine) {
    engine.clusterHealth(safety.maxUnreadyShare(), safety.okUnreadyCount());
  }

  /**
   * Sticky maintenance for an engine that acts: after {@code safety.maintenanceAfter} failed cycles
   * the node is held until the Node carries {@link EcoKubeKeys#MAINTENANCE_CLEAR}; entering writes
   * the Node's maintenance annotations, an Event and the counter, leaving removes the annotations.
   *
   * @param mayAct the leadership gate: the annotations are written only while it answers true
   */
  public static void maintenance(
      Safety safety,
      EcoKubeEngine.Builder engine,
      KubernetesClusterView view,
      KubernetesEventRecorder events,
      NodeMaintenanceStatus status,
      MeterRegistry registry,
      BooleanSupplier mayAct) {
    Objects.requireNonNull(status, "status");
    engine.maintenance(
        safety.maintenanceAfter(),
        node -> {
          boolean clear =
              view.node(node)
                  .map(n -> n.getMetadata().getAnnotations())
                  .map(a -> a.containsKey(EcoKubeKeys.MAINTENANCE_CLEAR))
                  .orElse(false);
          if (clear && mayAct.getAsBoolean()) {
            write(() -> status.cleared(node), node);
          }
          return clear;
        },
        (node, why) -> {
          events.maintenance(node, why);
          registry.counter("ecokube.maintenance.entered", "node", node).increment();
          if (mayAct.getAsBoolean()) {
            write(() -> status.entered(node, why), node);
          }
        });
  }

  private interface Write {
    void run() throws ActuatorException;
  }

  /** The Event and the metric report it as well; a failed annotation is logged, not fatal. */
  private static void write(Write w, String node) {
    try {
      w.run();
    } catch (ActuatorException e) {
      LOG.warn("node {}: maintenance status not written on the Node: {}", node, e.getMessage());
    }
  }
}
