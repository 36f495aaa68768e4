package io.ecokube.controller.resources;

import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.NodeEnergy;
import io.ecokube.core.engine.EcoKubeEngine;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the running engine and the ledger say now, as the statuses need it.
 *
 * @param now when these facts were read
 * @param lifecycle each managed node's state in the engine
 * @param maintenance nodes held in maintenance after repeated failed cycles
 * @param watts each node's draw now (measured or modelled)
 * @param savedKwh each node's energy saved so far against always-on
 * @param heldBack what the last plan held back, with the reasons
 * @param costTotal the running cost total (the budget's input)
 * @param currency the accounting currency
 */
public record EngineFacts(
    Instant now,
    Map<String, NodeLifecycle> lifecycle,
    Set<String> maintenance,
    Map<String, Double> watts,
    Map<String, Double> savedKwh,
    List<HeldBack> heldBack,
    double costTotal,
    String currency) {
  /** Reads the facts of a running engine and its ledger. */
  public static EngineFacts read(
      EcoKubeEngine engine, EnergyLedger ledger, List<HeldBack> heldBack, Instant now) {
    Map<String, NodeLifecycle> states = new HashMap<>();
    Set<String> maintenance = new HashSet<>();
    engine
        .records()
        .forEach(
            (node, record) -> {
              states.put(node, record.state());
              if (engine.inMaintenance(node)) {
                maintenance.add(node);
              }
            });
    EnergyReport report = ledger.report();
    Map<String, Double> saved = new HashMap<>();
    for (NodeEnergy n : report.nodes()) {
      saved.put(n.node(), (n.alwaysOn().joules() - n.actual().joules()) / 3.6e6);
    }
    return new EngineFacts(
        now,
        states,
        maintenance,
        ledger.wattsByNode(),
        saved,
        heldBack,
        report.actual().cost(),
        report.currency());
  }

  /** Copies. */
  public EngineFacts {
    Objects.requireNonNull(now, "now");
    lifecycle = Map.copyOf(lifecycle);
    maintenance = Set.copyOf(maintenance);
    watts = Map.copyOf(watts);
    savedKwh = Map.copyOf(savedKwh);
    heldBack = List.copyOf(heldBack);
    Objects.requireNonNull(currency, "currency");
  }
}
