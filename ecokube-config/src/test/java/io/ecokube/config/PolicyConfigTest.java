package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.policy.CarbonPolicy;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.GreenPreference;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Budget, green and carbon settings, and the policy admission checks, with exact messages. */
class PolicyConfigTest {
  private final DriverRegistry registry =
      DriverRegistry.builder()
          .loadServices()
          .register(new InMemoryCluster(new ManualClock()).driverProvider())
          .secrets(SecretResolver.inMemory(Map.of()))
          .build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  /** cp: always on, 100 W idle; w1 (pool green, 140 W) and w2 (default, 120 W): managed. */
  static final String NODES =
      """
      nodes:
        - name: cp
          controlPlane: true
          allocatable: {cpu: "4", memory: 8Gi}
          power: {idleWatts: 100}
        - name: w1
          pool: green
          labels: {power: solar}
          allocatable: {cpu: "8", memory: 32Gi}
          power: {idleWatts: 140, drivers: [{driver: sim}]}
        - name: w2
          allocatable: {cpu: "8", memory: 32Gi}
          power: {idleWatts: 120, drivers: [{driver: sim}]}
      """;

  static final String GOOD =
      """
      priorityClasses: {batch: 0, production: 1000}
      pools:
        green: {powerCapWatts: 140}
      engine:
        clusterPowerCapWatts: 220
        budget:
          perHour: 2.5
          perPeriod: 900
          period: 30d
          periodStart: 2026-01-01T00:00:00Z
          exemptPriority: production
        green: {label: power=solar, weight: 0.5}
        carbon:
          minReductionPercent: 30
          deferrable:
            - workload: {namespace: batch, name: report}
              maxDelay: 6h
            - workload: {namespace: etl, kind: Job, name: nightly}
              maxDelay: 1d
      """
          + NODES;

  @Test
  void policiesLoadWithEveryField() {
    EcoKubeConfig c = loader.parse(GOOD, "good.yaml");
    assertThat(c.policy().budget())
        .isEqualTo(
            new CostBudget(
                OptionalDouble.of(2.5),
                OptionalDouble.of(900),
                Duration.ofDays(30),
                Instant.parse("2026-01-01T00:00:00Z"),
                1000));
    assertThat(c.policy().green()).isEqualTo(new GreenPreference("power", "solar", 0.5));
    assertThat(c.policy().carbon())
        .isEqualTo(
            new CarbonPolicy(
                30,
                Map.of(
                    WorkloadRef.deployment("batch", "report"),
                    new DeferralPolicy(Duration.ofHours(6)),
                    new WorkloadRef("etl", "Job", "nightly"),
                    new DeferralPolicy(Duration.ofDays(1)))));
    assertThat(c.warnings()).isEmpty();
    assertThat(loader.parse(ConfigWriter.toYaml(c), "written.yaml")).isEqualTo(c);
  }

  @Test
  void defaultsWhenNothingIsSet() {
    EcoKubeConfig c = loader.parse("pools: {green: {}}\n" + NODES, "plain.yaml");
    assertThat(c.policy().budget()).isEqualTo(CostBudget.none());
    assertThat(c.policy().green()).isEqualTo(GreenPreference.defaults());
    assertThat(c.policy().carbon()).isEqualTo(CarbonPolicy.none());
    assertThat(c.warnings()).isEmpty();
    assertThat(ConfigWriter.toYaml(c)).doesNotContain("budget:", "weight:", "carbon:");
  }

  @Test
  void builtInPriorityClassesAndNumbersAreAccepted() {
    String yaml = "engine:\n  budget: {perHour: 1, exemptPriority: system-node-critical}\n";
    assertThat(loader.parse(yaml, "a.yaml").policy().budget().exemptPriority())
        .isEqualTo(2_000_001_000);
    String number = "engine:\n  budget: {perPeriod: 0, exemptPriority: '-5'}\n";
    assertThat(loader.parse(number, "b.yaml").policy().budget().exemptPriority()).isEqualTo(-5);
  }

  @Test
  void aGreenLabelThatNoNodeCarriesIsAWarningNotAnError() {
    EcoKubeConfig c =
        loader.parse(
            "pools: {green: {}}\nengine:\n  green: {label: zone=sunny}\n" + NODES, "w.yaml");
    assertThat(c.warnings())
        .containsExactly(
            "engine.green.label: no node carries 'zone=sunny', so no node is preferred as green"
                + " (fine if the cluster labels nodes itself)");
    assertThat(c.policy().green().label()).isEqualTo("zone=sunny");
  }

  static Stream<Arguments> badPolicies() {
    return Stream.of(
        Arguments.of(
            "cluster cap below the always-on draw plus the smallest manageable node",
            "pools: {green: {}}\nengine: {clusterPowerCapWatts: 219}\n" + NODES,
            List.of(
                "engine.clusterPowerCapWatts: '219' is below the idle draw of always-on nodes"
                    + " (100 W: cp) plus the smallest manageable node (w2, 120 W idle) = 220 W, so"
                    + " no node could ever be woken; raise it to at least 220 or remove it")),
        Arguments.of(
            "pool cap below its smallest node's idle draw",
            "pools:\n  green: {powerCapWatts: 139.5}\n" + NODES,
            List.of(
                "pools.green.powerCapWatts: '139.5' is below the idle draw of pool green's"
                    + " always-on nodes (0 W) plus its smallest manageable node (w1, 140 W idle) ="
                    + " 140 W, so no node could ever be woken; raise it to at least 140 or remove"
                    + " it")),
        Arguments.of(
            "negative budgets",
            "engine:\n  budget: {perHour: -1, perPeriod: lots}\n",
            List.of(
                "engine.budget.perHour: '-1' is not a budget; use an amount of 0 or more in the"
                    + " accounting currency",
                "engine.budget.perPeriod: 'lots' is not a budget; use an amount of 0 or more in"
                    + " the accounting currency")),
        Arguments.of(
            "unknown priority class",
            "priorityClasses: {batch: 0, production: 1000}\n"
                + "engine:\n  budget: {perHour: 1, exemptPriority: prod}\n",
            List.of(
                "engine.budget.exemptPriority: 'prod' is not a priority class; use a whole number"
                    + " or one of [batch, production, system-cluster-critical,"
                    + " system-node-critical] (declare classes under priorityClasses)")),
        Arguments.of(
            "priority classes",
            "priorityClasses: {system-node-critical: 5, huge: 2000000000, odd: x}\n",
            List.of(
                "priorityClasses.system-node-critical: is a built-in Kubernetes priority class and"
                    + " cannot be redefined",
                "priorityClasses.huge: '2000000000' is out of range; allowed"
                    + " -2147483647..1000000000",
                "priorityClasses.odd: 'x' is not a whole number; allowed -2147483647..1000000000")),
        Arguments.of(
            "budget section without a budget, bad period and anchor",
            "engine:\n  budget: {period: 0s, periodStart: yesterday}\n",
            List.of(
                "engine.budget.period: '0s' must be positive",
                "engine.budget.periodStart: 'yesterday' is not an instant; use e.g."
                    + " 2026-01-01T00:00:00Z",
                "engine.budget: sets no budget; give perHour, perPeriod or both")),
        Arguments.of(
            "deadlines that are not positive, missing and duplicate workloads",
            "engine:\n  carbon:\n    minReductionPercent: 0\n    deferrable:\n"
                + "      - {workload: {name: a}, maxDelay: 0s}\n"
                + "      - {workload: {name: b}, maxDelay: -1h}\n"
                + "      - {workload: {name: a}, maxDelay: 1h}\n"
                + "      - {maxDelay: 1h, deadline: 5}\n"
                + "      - {workload: {namespace: x}}\n",
            List.of(
                "engine.carbon.minReductionPercent: '0' is out of range; use a percentage greater"
                    + " than 0 up to 100",
                "engine.carbon.deferrable[0].maxDelay: '0s' must be positive",
                "engine.carbon.deferrable[1].maxDelay: '-1h' is not a duration; use e.g. 500ms,"
                    + " 30s, 10m, 2h, 1d or PT30S",
                "engine.carbon.deferrable[2].workload: 'Deployment default/a' is already listed at"
                    + " deferrable[0]",
                "engine.carbon.deferrable[3].deadline: unknown field; allowed: [maxDelay,"
                    + " workload]",
                "engine.carbon.deferrable[3].workload: is required: {namespace, kind, name}",
                "engine.carbon.deferrable[4].workload.name: is required",
                "engine.carbon.deferrable[4].maxDelay: is required: how long the workload may"
                    + " wait, e.g. 6h")),
        Arguments.of(
            "green label and weight",
            "engine:\n  green: {label: solar, weight: 1.5}\n",
            List.of(
                "engine.green.label: 'solar' is not a label; use key=value",
                "engine.green.weight: '1.5' is out of range; use a factor greater than 0 and at"
                    + " most 1 (1: green only breaks ties)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPolicies")
  void badPoliciesAreRejectedWithExactMessages(String name, String yaml, List<String> expected) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "bad.yaml"));
    assertThat(e).as("config should be rejected").isNotNull();
    assertThat(e.errors()).containsExactlyElementsOf(expected);
  }
}
