package io.ecokube.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 250, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
  private static final EnginePolicy POLICY =
      EnginePolicy.builder()
          .minUptime(Duration.ofMinutes(2))
          .bootTimeoutGrace(Duration.ofSeconds(30))
          .retryBackoff(Duration.ofSeconds(10))
          .build();

  private static NodeSpec base() {
    return NodeSpec.builder("base")
        .allocatable(new Resources(1000, 8L << 30, 0, 110))
        .power(PROFILE)
        .protectedNode(true)
        .build();
  }

  private static NodeSpec worker(String name, Map<String, String> simSettings) {
    return NodeSpec.builder(name)
        .allocatable(new Resources(4000, 16L << 30, 0, 110))
        .power(PROFILE)
        .address(new PowerAddress(List.of(new DriverSpec("sim", simSettings))))
        .build();
  }

  private static List<Job> batch(Instant from, int count) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(
          Job.batch(
              "j" + i,
              from.plusSeconds(i),
              Duration.ofSeconds(120),
              SchedulingRequirements.of(Resources.request(1000, 1L << 30, 0))));
    }
    return jobs;
  }

  @Test
  void batchJobsWakeNodesRunAndTheNodesGoBackOff(@TempDir Path dir) throws Exception {
    Simulator.Builder b = Simulator.builder().policy(POLICY);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    try (Simulator sim =
        b.node(base(), true)
            .node(worker("w1", Map.of()), false)
            .node(worker("w2", Map.of()), false)
            .jobs(batch(start.plusSeconds(60), 8))
            .build()) {
      SimulationReport r = sim.run(Duration.ofHours(1));

      assertThat(r.jobsSubmitted()).isEqualTo(8);
      assertThat(r.jobsCompleted()).isEqualTo(8);
      assertThat(sim.allJobsDone()).isTrue();
      // One job fits on base; the other seven need both workers (4 CPU each).
      assertThat(r.powerCycles()).containsEntry("w1", 1).containsEntry("w2", 1);
      for (String w : List.of("w1", "w2")) {
        assertThat(r.states(w))
            .containsExactly(
                NodeLifecycle.UNKNOWN,
                NodeLifecycle.OFF,
                NodeLifecycle.BOOTING,
                NodeLifecycle.ACTIVE,
                NodeLifecycle.DRAINING,
                NodeLifecycle.SHUTTING_DOWN,
                NodeLifecycle.OFF);
      }
      // The first job ran on base at once; the others waited at least the 60 s boot.
      assertThat(r.waitPercentile(10)).isEqualTo(Duration.ZERO);
      assertThat(r.waitPercentile(50)).isGreaterThanOrEqualTo(Duration.ofSeconds(55));
      assertThat(r.waitPercentile(99)).isLessThan(Duration.ofMinutes(3));
      assertThat(r.waitPercentile(50)).isLessThanOrEqualTo(r.waitPercentile(95));
      assertThat(r.energy().actual().joules()).isLessThan(r.energy().alwaysOn().joules());
      assertThat(r.end()).isEqualTo(start.plus(Duration.ofHours(1)));

      Path csv = dir.resolve("timeline.csv");
      r.writeTimelineCsv(csv);
      List<String> lines = Files.readAllLines(csv);
      assertThat(lines.get(0)).isEqualTo("time,seconds,kind,subject,detail,watts,always_on_watts");
      assertThat(lines)
          .anyMatch(l -> l.contains(",STATE,w1,") && l.contains("OFF -> BOOTING"))
          .anyMatch(l -> l.contains(",DONE,j7,"));
      assertThat(lines).hasSize(r.timeline().size() + 1);
    }
  }

  @Test
  void aNodeThatNeverBootsIsQuarantinedAndTheWorkGoesElsewhere() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    try (Simulator sim =
        Simulator.builder()
            .policy(POLICY)
            .node(base(), true)
            .node(worker("w1", Map.of("failure", "never-boots")), false)
            .node(worker("w2", Map.of()), false)
            .jobs(batch(start.plusSeconds(60), 4))
            .build()) {
      SimulationReport r = sim.runUntil(Simulator::allJobsDone, Duration.ofHours(2));
      assertThat(r.jobsCompleted()).isEqualTo(4);
      assertThat(r.states("w1"))
          .contains(NodeLifecycle.BOOTING)
          .doesNotContain(NodeLifecycle.ACTIVE);
      assertThat(r.powerCycles().get("w2")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void nodesCanBePoweredThroughOutsideDriversAndPowerSources() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    io.ecokube.api.time.ManualClock clock = new io.ecokube.api.time.ManualClock(start);
    // A machine outside the simulated cluster, reached only through the drivers given here.
    io.ecokube.sim.cluster.SimulatedMachine outside =
        new io.ecokube.sim.cluster.SimulatedMachine(
            "w1", clock, Duration.ofSeconds(60), Duration.ofSeconds(20), false);
    List<Instant> steps = new ArrayList<>();
    NodeSpec w1 = worker("w1", Map.of());
    try (Simulator sim =
        Simulator.builder(clock)
            .policy(POLICY)
            .node(base(), true)
            .node(w1, outside::state)
            .drivers(
                n ->
                    n.name().equals("w1")
                        ? List.of(new io.ecokube.sim.cluster.SimulatedPowerDriver(outside))
                        : List.of())
            .beforeStep(() -> steps.add(clock.now()))
            .jobs(batch(start.plusSeconds(60), 3))
            .build()) {
      SimulationReport r = sim.run(Duration.ofMinutes(30));
      assertThat(r.jobsCompleted()).isEqualTo(3);
      assertThat(outside.powerOnRequests()).isEqualTo(1);
      assertThat(outside.powerOffRequests()).isEqualTo(1);
      assertThat(r.states("w1")).endsWith(NodeLifecycle.SHUTTING_DOWN, NodeLifecycle.OFF);
      assertThat(steps).isSorted().contains(start, start.plusSeconds(60));
    }
  }

  @Test
  void othersSharingTheEventLoopRunAtTheirOwnTimesBetweenSteps() {
    io.ecokube.api.time.EventLoop loop = new io.ecokube.api.time.EventLoop();
    Instant start = loop.clock().now();
    List<Instant> steps = new ArrayList<>();
    List<Instant> outside = new ArrayList<>();
    try (Simulator sim =
        Simulator.builder(loop)
            .policy(POLICY)
            .node(base(), true)
            .beforeStep(() -> steps.add(loop.clock().now()))
            .build()) {
      // Off the 10 s reconcile grid: only the loop itself can run it at 95 s.
      loop.at(start.plusSeconds(95), () -> outside.add(loop.clock().now()));
      SimulationReport r = sim.run(Duration.ofMinutes(2));

      assertThat(outside).containsExactly(start.plusSeconds(95));
      assertThat(steps).doesNotContain(start.plusSeconds(95)).contains(start.plusSeconds(90));
      assertThat(r.end()).isEqualTo(start.plusSeconds(120));
      assertThat(sim.eventLoop()).isSameAs(loop);
    }
  }

  @Test
  void queueWorkersScaleOnTheBacklogAndToZeroAfterTheCooldown() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    QueueWorkload q =
        new QueueWorkload(
            "uploads",
            io.ecokube.api.cluster.WorkloadRef.deployment("ns", "worker"),
            SchedulingRequirements.of(Resources.request(500, 1L << 30, 0)),
            2,
            0,
            4,
            Duration.ofSeconds(30));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(Job.queued("m" + i, "uploads", start.plusSeconds(10), Duration.ofSeconds(20)));
    }
    try (Simulator sim =
        Simulator.builder().policy(POLICY).node(base(), true).queue(q).jobs(jobs).build()) {
      SimulationReport r = sim.run(Duration.ofMinutes(5));
      assertThat(r.jobsCompleted()).isEqualTo(6);
      List<String> scaled =
          r.timeline().stream()
              .filter(e -> e.kind().equals("SCALED"))
              .map(e -> e.detail().substring(0, e.detail().indexOf(" workers")))
              .toList();
      // Six messages at threshold 2 ask for 3 workers; base takes 2 (1 CPU), so jobs run two at a
      // time: 3 rounds of 20 s, then 30 s of cooldown before zero.
      assertThat(scaled).containsExactly("0 -> 3", "3 -> 0");
      TimelineEvent zero =
          r.timeline().stream().filter(e -> e.detail().startsWith("3 -> 0")).findFirst().get();
      assertThat(zero.at()).isEqualTo(start.plusSeconds(10 + 60 + 30));
      assertThat(sim.cluster().podsOf(q.workload())).isEmpty();
    }
  }
}
