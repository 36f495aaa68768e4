package io.ecokube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.sim.SimulationReport;
import io.ecokube.sim.TimelineEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcoStreamScenarioTest {
  private final SimulationReport report = EcoStreamScenario.builder().build().run();

  @Test
  void workerTwoGoesThroughTheWholeLifecycleOnce() {
    // The engine first sees worker-2 as UNKNOWN and probes it; from then on the promised cycle.
    List<NodeLifecycle> states = report.states(EcoStreamScenario.GREEN_NODE);
    assertThat(states.get(0)).isEqualTo(NodeLifecycle.UNKNOWN);
    assertThat(states.subList(1, states.size()))
        .containsExactly(
            NodeLifecycle.OFF,
            NodeLifecycle.BOOTING,
            NodeLifecycle.ACTIVE,
            NodeLifecycle.DRAINING,
            NodeLifecycle.SHUTTING_DOWN,
            NodeLifecycle.OFF);
    assertThat(report.powerCycles()).containsEntry(EcoStreamScenario.GREEN_NODE, 1);
    assertThat(report.powerCycles()).containsEntry("worker-1", 0).containsEntry("control-plane", 0);
  }

  @Test
  void everyVideoIsTranscodedAndEnergyIsBelowAlwaysOn() {
    assertThat(report.jobsSubmitted()).isEqualTo(EcoStreamScenario.UPLOADS);
    assertThat(report.jobsCompleted()).isEqualTo(EcoStreamScenario.UPLOADS);
    assertThat(report.energy().actual().joules()).isLessThan(report.energy().alwaysOn().joules());
    assertThat(report.energy().actual().cost()).isLessThan(report.energy().alwaysOn().cost());
    assertThat(EcoStreamScenario.succeeded(report)).isTrue();
  }

  @Test
  void theWakeFollowsPendingWorkersAndThePowerOffFollowsTheScaleToZero() {
    TimelineEvent tenWorkers = first("SCALED", "-> 10 workers");
    TimelineEvent wake = first("ACTION", "WAKE");
    TimelineEvent zero = first("SCALED", "-> 0 workers");
    TimelineEvent drain = first("ACTION", "DRAIN");
    TimelineEvent off = first("STATE", "SHUTTING_DOWN -> OFF");
    assertThat(wake.detail()).contains("pending pods");
    assertThat(wake.at()).isAfterOrEqualTo(tenWorkers.at().minusSeconds(10));
    assertThat(drain.at()).isAfter(zero.at());
    assertThat(off.at()).isAfter(drain.at());
    // Workers waited for the GPU node's boot at most, not for a person to power it on.
    assertThat(report.waitPercentile(99)).isLessThan(Duration.ofMinutes(10));
  }

  @Test
  void theDemoPrintsAReadableTimeline() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EcoStreamDemo.printTimeline(new PrintStream(bytes, true, StandardCharsets.UTF_8), report);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("first video uploaded")
        .contains("all 50 videos uploaded")
        .contains("worker-2                     STATE OFF -> BOOTING")
        .contains("50/50 transcoded")
        .contains("STATE SHUTTING_DOWN -> OFF");
  }

  private TimelineEvent first(String kind, String detail) {
    return report.timeline().stream()
        .filter(e -> e.kind().equals(kind) && e.detail().contains(detail))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " event with '" + detail + "'"));
  }
}
