package io.ecokube.controller.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanLogTest {
  private final List<String> lines = new ArrayList<>();
  private final PlanLog log = new PlanLog(false, lines::add);

  private void tick(HeldBack... held) {
    log.onPlan(new Plan(Instant.EPOCH, List.of(), List.of(held)));
  }

  @Test
  void aNodeHeldBackEveryTickIsLoggedWhenItsReasonChangesAndWhenItEnds() {
    for (int w = 700; w < 710; w++) {
      tick(new HeldBack("worker-2", ActionType.WAKE, "power cap: " + w + " W of 800 W"));
    }
    tick(new HeldBack("worker-2", ActionType.WAKE, "budget: 0.51 of 0.50 EUR this hour"));
    tick(new HeldBack("worker-2", ActionType.WAKE, "budget: 0.52 of 0.50 EUR this hour"));
    tick();
    tick();
    assertThat(lines)
        .containsExactly(
            "held back WAKE worker-2: power cap: 700 W of 800 W",
            "held back WAKE worker-2: budget: 0.51 of 0.50 EUR this hour",
            "no longer held back: WAKE worker-2");
  }

  @Test
  void actionsAreLoggedEveryTime() {
    PlannedAction wake = new PlannedAction("worker-2", ActionType.WAKE, "3 pods pending");
    log.onPlan(new Plan(Instant.EPOCH, List.of(wake), List.of()));
    log.onPlan(new Plan(Instant.EPOCH, List.of(wake), List.of()));
    assertThat(lines)
        .containsExactly("WAKE worker-2: 3 pods pending", "WAKE worker-2: 3 pods pending");
  }

  @Test
  void twoSubjectsAreTrackedApart() {
    tick(
        new HeldBack("worker-1", ActionType.POWER_OFF, "runs pod a/b"),
        new HeldBack("worker-2", ActionType.WAKE, "power cap"));
    tick(new HeldBack("worker-1", ActionType.POWER_OFF, "runs pod a/b"));
    assertThat(lines)
        .containsExactlyInAnyOrder(
            "held back POWER_OFF worker-1: runs pod a/b",
            "held back WAKE worker-2: power cap",
            "no longer held back: WAKE worker-2");
  }
}
