package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.core.policy.BudgetState;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A period's budget spend survives a restart of the engine when its state is kept outside and
 * handed to the next engine, on virtual time.
 */
class BudgetRestartTest {
  // 1 EUR per day, no pod exempt: any wake costs more than the 0.001 EUR left after 0.999 spent.
  private static final EnginePolicy POLICY =
      EnginePolicy.builder()
          .budget(
              new CostBudget(
                  OptionalDouble.empty(),
                  OptionalDouble.of(1.0),
                  Duration.ofDays(1),
                  Instant.EPOCH,
                  1_000_000_000))
          .build();

  private static EcoKubeEngine engine(
      EngineHarness h, AtomicReference<Double> cost, Optional<BudgetState> kept) {
    EcoKubeEngine.Builder b =
        EcoKubeEngine.builder()
            .clusterView(h.cluster)
            .actuator(h.cluster)
            .drivers(h::drivers)
            .clock(h.clock)
            .executor(ActionExecutor.inline())
            .policy(POLICY)
            .costSoFar(cost::get)
            .listener(h);
    kept.ifPresent(b::budgetState);
    return b.build();
  }

  /** Spends 0.999 EUR of the day's 1 EUR on a first engine, restarts, and asks for a wake. */
  private static Plan wakeAfterRestart(boolean keepState) {
    EngineHarness h = new EngineHarness();
    AtomicReference<Double> cost = new AtomicReference<>(0.0);
    Optional<BudgetState> kept;
    try (EcoKubeEngine first = engine(h, cost, Optional.empty())) {
      first.reconcileOnce();
      h.clock.advance(Duration.ofHours(2));
      cost.set(0.999);
      first.reconcileOnce();
      kept = first.budgetState();
    }
    assertThat(kept).isPresent();
    assertThat(kept.get().periodSpent()).isEqualTo(0.999);
    h.clock.advance(Duration.ofMinutes(1));
    try (EcoKubeEngine second = engine(h, cost, keepState ? kept : Optional.empty())) {
      // The new engine reads the nodes' states first (a probe), as after any start.
      second.reconcileOnce();
      h.clock.advance(Duration.ofSeconds(10));
      second.reconcileOnce();
      h.addGpuPod();
      Plan p = second.reconcileOnce();
      assertThat(second.budgetState().orElseThrow().periodSpent())
          .isEqualTo(keepState ? 0.999 : 0.0);
      return p;
    }
  }

  @Test
  void aRestoredStateKeepsThePeriodsSpendSoAWakeThatWouldOverspendStaysHeldBack() {
    Plan p = wakeAfterRestart(true);
    assertThat(p.actions()).noneMatch(a -> a.type() == ActionType.WAKE);
    assertThat(p.heldBack())
        .anySatisfy(
            hb -> {
              assertThat(hb.subject()).isEqualTo("worker-2");
              assertThat(hb.wanted()).isEqualTo(ActionType.WAKE);
              assertThat(hb.reason())
                  .startsWith("cost budget of 1.00 EUR per 86400 s period is spent: 1.00 EUR");
            });
  }

  @Test
  void withoutTheStateTheRestartCountsTheSpendFromZeroAndOverspends() {
    // What the kept state prevents: the first reading after a start becomes the window's start.
    Plan p = wakeAfterRestart(false);
    assertThat(p.actions())
        .anyMatch(a -> a.type() == ActionType.WAKE && a.node().equals("worker-2"));
  }
}
