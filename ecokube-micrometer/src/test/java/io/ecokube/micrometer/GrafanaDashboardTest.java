package io.ecokube.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.energy.EnergyLedger;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in deploy/grafana queries only metrics the library exports. */
class GrafanaDashboardTest {
  private static final String DASHBOARD = "deploy/grafana/ecokube-dashboard.json";
  private static final Pattern METRIC = Pattern.compile("\\becokube_[a-zA-Z0-9_]*");
  private static final Pattern KEPLER =
      Pattern.compile("\\bkepler_(container|pod)_[a-z_]*joules_total\\b");

  private static JsonNode dashboard;
  private static List<String> exprs;

  @BeforeAll
  static void load() throws IOException {
    Path file = locate();
    dashboard = new ObjectMapper().readTree(file.toFile());
    exprs = new ArrayList<>();
    collect(dashboard, exprs);
  }

  /**
   * The project root: the module's parent (Surefire runs in the module), or from the shared dir.
   */
  private static Path locate() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("").toAbsolutePath().getParent().resolve(DASHBOARD));
    String shared = System.getProperty("ecokube.shared.dir");
    if (shared != null && shared.endsWith("/../shared")) {
      candidates.add(
          Path.of(shared.substring(0, shared.length() - "/../shared".length())).resolve(DASHBOARD));
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "Grafana dashboard not found; looked at "
                        + candidates
                        + ". Run the test from the ecokube-core module of the checkout."));
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                  out.add(e.getValue().asText());
                } else {
                  collect(e.getValue(), out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, out));
    }
  }

  /** The series names a fully fed registry exports. */
  private static Set<String> exported() {
    ManualClock clock = new ManualClock();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EnergyLedger ledger = EnergyLedger.builder(clock).build();
    ledger.register(NodeSpec.builder("a").build(), NodeLifecycle.ACTIVE);
    EcoKubeMetrics m = EcoKubeMetrics.builder(registry).clock(clock).ledger(ledger).build();
    PlannedAction wake = new PlannedAction("a", ActionType.WAKE, "demand");
    m.onPlan(
        new Plan(clock.now(), List.of(wake), List.of(new HeldBack("b", ActionType.WAKE, "x"))));
    m.onOutcome(
        new ActionOutcome(
            wake, ActionOutcome.Result.SUCCEEDED, Optional.of("wol"), "ok", clock.now()));
    m.recordForecast("pods", 1);
    m.recordActual("pods", 1);
    m.observe(ClusterSnapshot.empty(clock.now()));
    m.observeNode("a", NodeLifecycle.ACTIVE);
    m.onTransition(
        new NodeTransition("a", NodeLifecycle.ACTIVE, NodeLifecycle.DRAINING, clock.now(), "idle"));
    return new Scrape(registry.scrape()).seriesNames();
  }

  /**
   * Series the controller program adds beside the library's (its Lease, informers, Events and
   * config reloads); the controller's ConfigReloadIT checks every dashboard series against a
   * running controller's /metrics.
   */
  static final Set<String> CONTROLLER =
      Set.of(
          "ecokube_leader",
          "ecokube_informers_synced",
          "ecokube_events_dropped_total",
          "ecokube_config_reloads_total");

  @Test
  void everyQueryNamesOnlyExportedMetrics() {
    Set<String> exported = new TreeSet<>(exported());
    exported.addAll(CONTROLLER);
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(20);
    Set<String> referenced = new TreeSet<>();
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      List<String> names = new ArrayList<>();
      while (m.find()) {
        names.add(m.group());
      }
      if (names.isEmpty() && KEPLER.matcher(expr).find()) {
        // Per-workload power reads Kepler's own series (what the API's attribution reads too).
        continue;
      }
      assertThat(names).as("query names no Eco-Kube metric: %s", expr).isNotEmpty();
      for (String name : names) {
        assertThat(exported)
            .as("metric %s in query %s is not exported; exported: %s", name, expr, exported)
            .contains(name);
      }
      referenced.addAll(names);
    }
    // The issue asks for pod count, nodes on, power per node, savings, actions and wake latency.
    assertThat(referenced)
        .contains(
            "ecokube_pods",
            "ecokube_nodes",
            "ecokube_node_energy_joules_total",
            "ecokube_power_watts",
            "ecokube_power_always_on_watts",
            "ecokube_energy_saved_joules_total",
            "ecokube_cost_saved_total",
            "ecokube_co2_saved_grams_total",
            "ecokube_power_actions_total",
            "ecokube_wake_latency_seconds_bucket");
  }

  @Test
  void theMatcherWouldCatchAMisspelledMetric() {
    Matcher m = METRIC.matcher("sum(rate(ecokube_power_action_total[5m]))");
    assertThat(m.find()).isTrue();
    assertThat(exported()).doesNotContain(m.group());
  }

  @Test
  void everyPanelUsesTheDatasourceVariable() {
    JsonNode vars = dashboard.path("templating").path("list");
    assertThat(vars.findValuesAsText("name")).contains("datasource");
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
    List<JsonNode> withQueries = panels.stream().filter(p -> p.has("targets")).toList();
    assertThat(withQueries).isNotEmpty();
    for (JsonNode p : withQueries) {
      assertThat(p.path("datasource").path("uid").asText())
          .as("panel %s", p.path("title").asText())
          .isEqualTo("${datasource}");
      Stream.of(p.path("targets"))
          .flatMap(t -> java.util.stream.StreamSupport.stream(t.spliterator(), false))
          .forEach(
              t ->
                  assertThat(t.path("datasource").path("uid").asText())
                      .as("target of panel %s", p.path("title").asText())
                      .isEqualTo("${datasource}"));
    }
  }
}
