package io.ecokube.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.Job;
import io.ecokube.sim.SimulationReport;
import io.ecokube.sim.Simulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics listening to the real engine, driven by the simulator on virtual time. */
class EngineMetricsTest {
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 250, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));

  private static NodeSpec worker(String name) {
    return NodeSpec.builder(name)
        .allocatable(new Resources(4000, 16L << 30, 0, 110))
        .power(PROFILE)
        .address(new PowerAddress(List.of(new DriverSpec("sim", Map.of()))))
        .build();
  }

  @Test
  void aBatchThatWakesTwoWorkersShowsInTheScrape() {
    ManualClock clock = new ManualClock();
    Instant start = clock.now();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EcoKubeMetrics metrics = EcoKubeMetrics.builder(registry).clock(clock).build();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      jobs.add(
          Job.batch(
              "j" + i,
              start.plusSeconds(60 + i),
              Duration.ofSeconds(120),
              SchedulingRequirements.of(Resources.request(1000, 1L << 30, 0))));
    }
    NodeSpec base =
        NodeSpec.builder("base")
            .allocatable(new Resources(1000, 8L << 30, 0, 110))
            .power(PROFILE)
            .protectedNode(true)
            .build();
    try (Simulator sim =
        Simulator.builder(clock)
            .policy(EnginePolicy.builder().minUptime(Duration.ofMinutes(2)).build())
            .node(base, true)
            .node(worker("w1"), false)
            .node(worker("w2"), false)
            .jobs(jobs)
            .listener(metrics)
            .build()) {
      SimulationReport r = sim.run(Duration.ofHours(1));
      assertThat(r.jobsCompleted()).isEqualTo(8);
    }

    Scrape s = new Scrape(registry.scrape());
    // Both workers were woken once, booted, ran the batch and went back off.
    assertThat(
            s.value(
                "ecokube_power_actions_total{action=\"wake\",driver=\"sim\",result=\"succeeded\"}"))
        .isEqualTo(2);
    assertThat(s.value("ecokube_node_transitions_total{from=\"off\",to=\"booting\"}")).isEqualTo(2);
    assertThat(s.value("ecokube_node_transitions_total{from=\"shutting_down\",to=\"off\"}"))
        .isEqualTo(2);
    assertThat(s.value("ecokube_nodes{state=\"off\"}")).isEqualTo(2);
    assertThat(s.value("ecokube_nodes{state=\"active\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_boot_duration_seconds_count")).isEqualTo(2);
    assertThat(s.value("ecokube_wake_latency_seconds_count")).isEqualTo(2);
    // The simulated machines take their 60 s boot time; the engine sees Ready at a later step.
    assertThat(s.value("ecokube_boot_duration_seconds_sum")).isBetween(120.0, 150.0);
    assertThat(s.value("ecokube_wake_latency_seconds_sum"))
        .isGreaterThanOrEqualTo(s.value("ecokube_boot_duration_seconds_sum"));
  }
}
