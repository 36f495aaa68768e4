package io.ecokube.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Taint;
import io.ecokube.core.energy.CarbonPricedTariff;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.HourlyTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.CarbonPolicy;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.GreenPreference;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link EcoKubeConfig} back as a YAML document that {@link ConfigLoader} reads to an
 * equal config. Driver settings are written as they are held: secret settings are references, so
 * nothing secret is written.
 */
public final class ConfigWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ConfigWriter() {}

  /** The config as YAML. */
  public static String toYaml(EcoKubeConfig config) {
    ObjectNode root = F.objectNode();
    ObjectNode pools = root.putObject("pools");
    for (Map.Entry<String, PoolPolicy> e : new TreeMap<>(config.policy().pools()).entrySet()) {
      PoolPolicy p = e.getValue();
      ObjectNode o = pools.putObject(e.getKey());
      o.put("minActive", p.minActive());
      o.put("warmReserve", p.warmReserve());
      p.powerCapWatts().ifPresent(w -> o.put("powerCapWatts", w));
      p.idleGrace().ifPresent(d -> o.put("idleGrace", Durations.format(d)));
    }
    root.set("engine", engine(config.policy()));
    ObjectNode acc = root.putObject("accounting");
    Tariff t = config.accounting();
    if (t instanceof CarbonPricedTariff c) {
      acc.put("carbonPricePerKg", c.carbonPricePerKg());
      t = c.base();
    }
    acc.put("pue", t.pue());
    if (t instanceof HourlyTariff h) {
      ArrayNode prices = acc.putArray("pricePerKwhByHour");
      Arrays.stream(h.pricePerKwhByHour()).forEach(prices::add);
      ArrayNode grams = acc.putArray("gramsCo2PerKwhByHour");
      Arrays.stream(h.gramsCo2PerKwhByHour()).forEach(grams::add);
      acc.put("timeZone", h.zone().getId());
    } else if (t instanceof FlatTariff f) {
      acc.put("pricePerKwh", f.pricePerKwhValue());
      acc.put("gramsCo2PerKwh", f.gramsCo2PerKwhValue());
    } else {
      throw new IllegalArgumentException(
          "cannot write a "
              + t.getClass().getSimpleName()
              + "; config holds flat or hourly tariffs");
    }
    acc.put("currency", t.currency());
    if (!config.safety().equals(Safety.DEFAULT)) {
      root.set("safety", safety(config.safety()));
    }
    if (config.api().token().isPresent() || config.api().anonymous()) {
      ObjectNode api = root.putObject("api");
      config.api().token().ifPresent(r -> api.put("token", r.toString()));
      if (config.api().anonymous()) {
        api.put("anonymous", true);
      }
    }
    ArrayNode nodes = root.putArray("nodes");
    for (NodeSpec n : config.nodes()) {
      nodes.add(node(n));
    }
    YAMLMapper mapper =
        YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();
    try {
      return mapper.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode safety(Safety s) {
    ObjectNode o = F.objectNode();
    o.put("maintenanceAfter", s.maintenanceAfter());
    ObjectNode health = o.putObject("clusterHealth");
    health.put("maxUnreadyPercent", s.maxUnreadyPercent());
    health.put("okUnreadyCount", s.okUnreadyCount());
    ObjectNode hints = o.putObject("nodeHints");
    hints.put("mac", s.acceptMacHint());
    ArrayNode nets = hints.putArray("bmcNetworks");
    s.bmcNetworks().forEach(n -> nets.add(n.toString()));
    return o;
  }

  private static ObjectNode engine(EnginePolicy p) {
    ObjectNode o = F.objectNode();
    p.clusterPowerCapWatts().ifPresent(w -> o.put("clusterPowerCapWatts", w));
    o.set("wakeRate", rate(p.wakeRate()));
    o.set("suspendRate", rate(p.suspendRate()));
    o.put("maxCyclesPerNodePerDay", p.maxCyclesPerNodePerDay());
    o.put("minUptime", Durations.format(p.minUptime()));
    p.maxPoweredOffDuration().ifPresent(d -> o.put("maxPoweredOffDuration", Durations.format(d)));
    o.put("bootTimeoutGrace", Durations.format(p.bootTimeoutGrace()));
    o.put("shutdownTimeoutGrace", Durations.format(p.shutdownTimeoutGrace()));
    o.put("attemptsPerDriver", p.attemptsPerDriver());
    o.put("retryBackoff", Durations.format(p.retryBackoff()));
    o.put("maxRetryBackoff", Durations.format(p.maxRetryBackoff()));
    o.put("drainTimeout", Durations.format(p.drainTimeout()));
    o.put("demandStaleAfter", Durations.format(p.demandStaleAfter()));
    CostBudget b = p.budget();
    if (!b.equals(CostBudget.none())) {
      ObjectNode bo = o.putObject("budget");
      b.perHour().ifPresent(v -> bo.put("perHour", v));
      b.perPeriod().ifPresent(v -> bo.put("perPeriod", v));
      bo.put("period", Durations.format(b.period()));
      bo.put("periodStart", b.periodStart().toString());
      bo.put("exemptPriority", b.exemptPriority());
    }
    GreenPreference g = p.green();
    if (!g.equals(GreenPreference.defaults())) {
      ObjectNode go = o.putObject("green");
      go.put("label", g.label());
      go.put("weight", g.weight());
    }
    CarbonPolicy c = p.carbon();
    if (!c.equals(CarbonPolicy.none())) {
      ObjectNode co = o.putObject("carbon");
      co.put("minReductionPercent", c.minReductionPercent());
      ArrayNode list = co.putArray("deferrable");
      c.deferrable().entrySet().stream()
          .sorted(Map.Entry.comparingByKey(Comparator.comparing(WorkloadRef::toString)))
          .forEach(
              e -> {
                ObjectNode d = list.addObject();
                ObjectNode w = d.putObject("workload");
                w.put("namespace", e.getKey().namespace());
                w.put("kind", e.getKey().kind());
                w.put("name", e.getKey().name());
                d.put("maxDelay", Durations.format(e.getValue().maxDelay()));
              });
    }
    return o;
  }

  private static ObjectNode rate(RateLimit r) {
    ObjectNode o = F.objectNode();
    o.put("count", r.count());
    o.put("window", Durations.format(r.window()));
    return o;
  }

  private static ObjectNode node(NodeSpec n) {
    ObjectNode o = F.objectNode();
    o.put("name", n.name());
    o.put("pool", n.pool());
    if (!n.labels().isEmpty()) {
      ObjectNode labels = o.putObject("labels");
      new TreeMap<>(n.labels()).forEach(labels::put);
    }
    if (!n.taints().isEmpty()) {
      ArrayNode taints = o.putArray("taints");
      for (Taint t : n.taints()) {
        ObjectNode to = taints.addObject();
        to.put("key", t.key());
        if (!t.value().isEmpty()) {
          to.put("value", t.value());
        }
        to.put(
            "effect",
            switch (t.effect()) {
              case NO_SCHEDULE -> "NoSchedule";
              case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
              case NO_EXECUTE -> "NoExecute";
            });
      }
    }
    ObjectNode alloc = o.putObject("allocatable");
    alloc.put("cpu", Quantities.formatCpu(n.allocatable().cpuMillis()));
    alloc.put("memory", Quantities.formatBytes(n.allocatable().memoryBytes()));
    alloc.put("gpus", n.allocatable().gpus());
    alloc.put("pods", n.allocatable().pods());
    PowerProfile p = n.power();
    ObjectNode power = o.putObject("power");
    power.put("offWatts", p.offWatts());
    power.put("idleWatts", p.idleWatts());
    power.put("maxWatts", p.maxWatts());
    power.put("transitionWatts", p.transitionWatts());
    power.put("bootTime", Durations.format(p.bootTime()));
    power.put("shutdownTime", Durations.format(p.shutdownTime()));
    if (n.address().managed()) {
      ArrayNode drivers = power.putArray("drivers");
      for (DriverSpec d : n.address().chain()) {
        ObjectNode dn = drivers.addObject();
        dn.put("driver", d.driver());
        ObjectNode settings = dn.putObject("settings");
        new TreeMap<>(d.settings()).forEach(settings::put);
      }
    }
    o.put("protected", n.protectedNode());
    o.put("controlPlane", n.controlPlane());
    return o;
  }
}
