package io.ecokube.controller.resources;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.core.policy.BudgetSpend;
import io.ecokube.core.policy.BudgetTracker;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.kubernetes.crd.Condition;
import io.ecokube.kubernetes.crd.CustomResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The status each resource should show: its counters and its conditions {@code Ready}, {@code
 * Degraded} (with the reason) and, by kind, {@code PowerCapReached} or {@code BudgetExceeded}.
 * Figures are rounded (watts to 1 W, energy and money to 0.01) so a steady cluster does not write a
 * new status every period.
 */
final class ResourceStatus {
  /** The fields and conditions of one resource's status. */
  record Status(Map<String, Object> fields, List<Condition> conditions) {}

  private final BudgetTracker budget;
  private final CostBudget costBudget;

  ResourceStatus(CostBudget costBudget) {
    this.costBudget = costBudget;
    this.budget = costBudget.enabled() ? new BudgetTracker(costBudget) : null;
  }

  Status of(CustomResource r, Verdict v, EcoKubeConfig config, Optional<EngineFacts> facts) {
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        v.applied()
            ? new Condition("Ready", true, "Applied", v.message())
            : new Condition("Ready", false, v.reason(), v.message()));
    Map<String, Object> fields = new LinkedHashMap<>();
    List<String> degraded = new ArrayList<>(v.applied() ? List.of() : List.of(v.message()));
    String degradedReason = v.applied() ? "" : v.reason();
    if (!v.warnings().isEmpty()) {
      degraded.addAll(v.warnings());
      degradedReason = degradedReason.isEmpty() ? "NodesLeftOut" : degradedReason;
    }
    switch (r.kind()) {
      case NODE_POOL -> {
        int on = 0;
        int off = 0;
        int booting = 0;
        int failed = 0;
        int maintenance = 0;
        double watts = 0;
        double saved = 0;
        for (String n : v.nodes()) {
          NodeLifecycle s = facts.map(f -> f.lifecycle().get(n)).orElse(NodeLifecycle.UNKNOWN);
          switch (s == null ? NodeLifecycle.UNKNOWN : s) {
            case ACTIVE, DRAINING -> on++;
            case OFF, SHUTTING_DOWN -> off++;
            case BOOTING -> booting++;
            case FAILED -> failed++;
            case UNKNOWN -> {
              // Not yet read: counted in nodes only.
            }
          }
          if (facts.isPresent()) {
            maintenance += facts.get().maintenance().contains(n) ? 1 : 0;
            watts += facts.get().watts().getOrDefault(n, 0.0);
            saved += facts.get().savedKwh().getOrDefault(n, 0.0);
          }
        }
        fields.put("nodes", v.nodes().size());
        fields.put("nodesOn", on);
        fields.put("nodesOff", off);
        fields.put("nodesBooting", booting);
        fields.put("nodesFailed", failed);
        fields.put("nodesInMaintenance", maintenance);
        fields.put("wattsNow", Math.round(watts));
        fields.put("kwhSaved", round2(saved));
        if (failed > 0) {
          degraded.add(failed + " node(s) failed to power on or off and are quarantined");
          degradedReason = degradedReason.isEmpty() ? "NodesFailed" : degradedReason;
        }
        if (maintenance > 0) {
          degraded.add(
              maintenance
                  + " node(s) in maintenance after repeated failed cycles; annotate them with"
                  + " ecokube.io/maintenance-clear once fixed");
          degradedReason = degradedReason.isEmpty() ? "NodesInMaintenance" : degradedReason;
        }
      }
      case POWER_POLICY -> conditions.add(powerCap(r, v, config, facts, fields));
      case COST_POLICY -> conditions.add(budget(v, facts, fields));
    }
    conditions.add(
        degraded.isEmpty()
            ? new Condition("Degraded", false, "AsExpected", "nothing is wrong")
            : new Condition("Degraded", true, degradedReason, String.join("; ", degraded)));
    return new Status(fields, conditions);
  }

  private static Condition powerCap(
      CustomResource r,
      Verdict v,
      EcoKubeConfig config,
      Optional<EngineFacts> facts,
      Map<String, Object> fields) {
    String spec = r.specJson();
    Optional<String> pool = poolOf(spec);
    OptionalDouble cap =
        pool.isPresent()
            ? Optional.ofNullable(config.policy().pools().get(pool.get()))
                .map(p -> p.powerCapWatts())
                .orElse(OptionalDouble.empty())
            : config.policy().clusterPowerCapWatts();
    double drawn = 0;
    int held = 0;
    if (facts.isPresent()) {
      for (NodeSpec n : config.nodes()) {
        if (pool.isEmpty() || pool.get().equals(n.pool())) {
          drawn += facts.get().watts().getOrDefault(n.name(), 0.0);
        }
      }
      for (HeldBack h : facts.get().heldBack()) {
        String why = h.reason();
        boolean byCap =
            pool.isPresent()
                ? why.contains("pool " + pool.get() + "'s projected draw")
                : why.contains("above the cap of");
        held += byCap ? 1 : 0;
      }
    }
    if (v.applied() && cap.isPresent()) {
      fields.put("capWatts", Math.round(cap.getAsDouble()));
    }
    fields.put("drawnWatts", Math.round(drawn));
    fields.put("heldBack", held);
    if (!v.applied() || cap.isEmpty()) {
      return new Condition("PowerCapReached", false, "NoCap", "this policy sets no cap in force");
    }
    if (held > 0) {
      return new Condition(
          "PowerCapReached",
          true,
          "WakesHeldBack",
          held + " wake(s) held back: they would raise the draw above " + fmt(cap) + " W");
    }
    if (drawn >= cap.getAsDouble()) {
      return new Condition(
          "PowerCapReached",
          true,
          "AtCap",
          "drawing " + Math.round(drawn) + " W of " + fmt(cap) + " W");
    }
    return new Condition(
        "PowerCapReached",
        false,
        "BelowCap",
        "drawing " + Math.round(drawn) + " W of " + fmt(cap) + " W");
  }

  private Condition budget(Verdict v, Optional<EngineFacts> facts, Map<String, Object> fields) {
    if (!v.applied() || budget == null || facts.isEmpty()) {
      fields.put("state", "NoBudget");
      return new Condition(
          "BudgetExceeded", false, "NoBudget", "no cost budget from this policy is in force");
    }
    EngineFacts f = facts.get();
    BudgetSpend spend = budget.observe(f.now(), f.costTotal());
    boolean perPeriod = costBudget.perPeriod().isPresent();
    double limit =
        perPeriod ? costBudget.perPeriod().getAsDouble() : costBudget.perHour().getAsDouble();
    double spent = perPeriod ? spend.period() : spend.hour();
    fields.put("budget", limit);
    // Money to 0.0001: small budgets stay readable, and a steady spend is not a write per period.
    fields.put("spent", Math.round(spent * 10_000) / 10_000.0);
    fields.put("currency", f.currency());
    fields.put(
        "periodEnd",
        (perPeriod
                ? costBudget.periodStartAt(f.now()).plus(costBudget.period())
                : CostBudget.hourStart(f.now()).plusSeconds(3600))
            .toString());
    boolean hourSpent =
        costBudget.perHour().isPresent() && spend.hour() >= costBudget.perHour().getAsDouble();
    boolean periodSpent = perPeriod && spend.period() >= costBudget.perPeriod().getAsDouble();
    long held = f.heldBack().stream().filter(h -> h.reason().contains("cost budget")).count();
    fields.put("state", hourSpent || periodSpent || held > 0 ? "Exceeded" : "WithinBudget");
    if (periodSpent || hourSpent) {
      return new Condition(
          "BudgetExceeded",
          true,
          periodSpent ? "PeriodBudgetSpent" : "HourlyBudgetSpent",
          String.format(
              "%.4f %s spent of %.4f %s; wakes for pods below the exempt priority are held back",
              periodSpent ? spend.period() : spend.hour(),
              f.currency(),
              periodSpent
                  ? costBudget.perPeriod().getAsDouble()
                  : costBudget.perHour().getAsDouble(),
              f.currency()));
    }
    if (held > 0) {
      return new Condition(
          "BudgetExceeded",
          true,
          "WakesHeldBack",
          held + " wake(s) held back because they would overspend the budget");
    }
    return new Condition(
        "BudgetExceeded",
        false,
        "WithinBudget",
        String.format("%.4f %s spent of %.4f %s", spent, f.currency(), limit, f.currency()));
  }

  private static Optional<String> poolOf(String specJson) {
    // Scope Pool carries "pool"; the spec is small and already validated.
    var m = java.util.regex.Pattern.compile("\"pool\"\\s*:\\s*\"([^\"]+)\"").matcher(specJson);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String fmt(OptionalDouble v) {
    return Long.toString(Math.round(v.getAsDouble()));
  }
}
