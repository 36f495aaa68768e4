package io.ecokube.replay.cluster;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.sim.cluster.SimulatedDriverProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster a trace is replayed on: identical nodes, their power profile and the tariff.
 *
 * @param nodes how many nodes, >= 1
 * @param coresPerNode cores of one node, >= 1
 * @param memoryBytesPerNode memory of one node, > 0
 * @param podsPerNode pod slots of one node, >= 1
 * @param power the nodes' power profile
 * @param tariff PUE, price and grid intensity for cost and carbon
 */
public record ReplayCluster(
    int nodes,
    int coresPerNode,
    long memoryBytesPerNode,
    int podsPerNode,
    PowerProfile power,
    FlatTariff tariff) {
  /** Validates. */
  public ReplayCluster {
    Objects.requireNonNull(power, "power");
    Objects.requireNonNull(tariff, "tariff");
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, got " + nodes);
    }
    if (coresPerNode < 1) {
      throw new IllegalArgumentException("cores must be >= 1, got " + coresPerNode);
    }
    if (memoryBytesPerNode <= 0) {
      throw new IllegalArgumentException("memory must be > 0, got " + memoryBytesPerNode);
    }
    if (podsPerNode < 1) {
      throw new IllegalArgumentException("podsPerNode must be >= 1, got " + podsPerNode);
    }
  }

  /** The node specs: {@code node-001} ..., each powered by the in-memory cluster's sim driver. */
  public List<NodeSpec> nodeSpecs() {
    List<NodeSpec> out = new ArrayList<>(nodes);
    PowerAddress sim =
        new PowerAddress(List.of(new DriverSpec(SimulatedDriverProvider.NAME, Map.of())));
    Resources alloc = new Resources(coresPerNode * 1000L, memoryBytesPerNode, 0, podsPerNode);
    int width = Math.max(3, String.valueOf(nodes).length());
    for (int i = 1; i <= nodes; i++) {
      out.add(
          NodeSpec.builder(String.format(Locale.ROOT, "node-%0" + width + "d", i))
              .allocatable(alloc)
              .power(power)
              .address(sim)
              .build());
    }
    return out;
  }

  /** Total cores. */
  public long totalCores() {
    return (long) nodes * coresPerNode;
  }

  /** One line for people. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d nodes x %d cores, %.0f GiB; %.0f W off / %.0f W idle / %.0f W max / %.0f W in"
            + " transition, boot %d s, shutdown %d s (break-even %d s); PUE %.2f, %.3f %s/kWh, %.0f"
            + " gCO2/kWh",
        nodes,
        coresPerNode,
        memoryBytesPerNode / (1024.0 * 1024 * 1024),
        power.offWatts(),
        power.idleWatts(),
        power.maxWatts(),
        power.transitionWatts(),
        power.bootTime().toSeconds(),
        power.shutdownTime().toSeconds(),
        power.breakEven().toSeconds(),
        tariff.pue(),
        tariff.pricePerKwhValue(),
        tariff.currency(),
        tariff.gramsCo2PerKwhValue());
  }
}
