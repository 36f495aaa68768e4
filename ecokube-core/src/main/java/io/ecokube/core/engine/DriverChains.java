package io.ecokube.core.engine;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.power.PowerDriver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each node's {@link DriverChain}, made once by the driver factory and again only when the node's
 * power address changes; every driver goes through the {@link SideEffectGate}. The drivers belong
 * to the factory that made them: nothing here closes them.
 */
final class DriverChains {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private record Cached(PowerAddress address, DriverChain chain) {}

  private final Function<NodeSpec, List<PowerDriver>> factory;
  private final SideEffectGate gate;
  private final Map<String, Cached> chains = new HashMap<>();

  DriverChains(Function<NodeSpec, List<PowerDriver>> factory, SideEffectGate gate) {
    this.factory = factory;
    this.gate = gate;
  }

  DriverChain chain(NodeSpec spec) {
    Cached c = chains.get(spec.name());
    // Labels, taints and allocatable change often; only a new address needs other drivers.
    if (c != null && c.address().equals(spec.address())) {
      return c.chain();
    }
    List<PowerDriver> drivers;
    try {
      drivers = spec.address().managed() ? factory.apply(spec) : List.of();
    } catch (RuntimeException e) {
      LOG.error("could not create the power drivers of node {}: {}", spec.name(), e.getMessage());
      drivers = List.of();
    }
    DriverChain chain =
        new DriverChain(drivers == null ? List.of() : gate.drivers(spec.name(), drivers));
    chains.put(spec.name(), new Cached(spec.address(), chain));
    return chain;
  }

  /** Forgets every chain (the drivers stay open: their factory owns them). */
  void clear() {
    chains.clear();
  }
}
