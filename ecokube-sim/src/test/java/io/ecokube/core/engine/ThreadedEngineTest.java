package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The production wiring: actions on worker threads, bounded calls, the periodic loop. */
class ThreadedEngineTest {

  /** A BMC that never answers a power-on: the call hangs until interrupted. */
  private static final class HangingDriver implements PowerDriver {
    final CountDownLatch never = new CountDownLatch(1);
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean interrupted;

    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public Set<PowerCapability> capabilities() {
      return Set.of(PowerCapability.POWER_ON, PowerCapability.READ_STATE);
    }

    @Override
    public void powerOn() throws PowerException {
      threads.add(Thread.currentThread().getName());
      try {
        never.await();
      } catch (InterruptedException e) {
        interrupted = true;
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      throw new PowerException(PowerException.Kind.UNSUPPORTED, "worker-2", "test", "no");
    }

    @Override
    public PowerState readState() {
      return PowerState.OFF;
    }
  }

  private static final class Outcomes implements EngineListener {
    final CountDownLatch probed = new CountDownLatch(1);
    final CountDownLatch woken = new CountDownLatch(1);
    volatile ActionOutcome wake;

    @Override
    public void onOutcome(ActionOutcome o) {
      if (o.action().type() == ActionType.PROBE && o.action().node().equals("worker-2")) {
        probed.countDown();
      }
      if (o.action().type() == ActionType.WAKE) {
        wake = o;
        woken.countDown();
      }
    }
  }

  @Test
  void actionsRunOffTheDecisionThreadAndEveryCallIsBounded() throws Exception {
    EngineHarness h = new EngineHarness();
    HangingDriver hanging = new HangingDriver();
    h.chains.put("worker-2", m -> List.of(hanging));
    Outcomes outcomes = new Outcomes();
    try (EcoKubeEngine e =
        h.engine(EnginePolicy.defaults())
            .executor(ActionExecutor.threaded(2))
            .callTimeout(Duration.ofSeconds(1))
            .listener(outcomes)
            .build()) {
      e.reconcileOnce();
      assertThat(outcomes.probed.await(10, TimeUnit.SECONDS)).isTrue();
      e.reconcileOnce();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(NodeLifecycle.OFF);

      h.addGpuPod();
      Plan p = e.reconcileOnce();
      assertThat(p.actions()).extracting(a -> a.type()).containsExactly(ActionType.WAKE);
      // reconcileOnce returned while the power-on still hangs: the action is in flight.
      assertThat(outcomes.wake).isNull();
      assertThat(e.inFlight("worker-2")).isTrue();
      assertThat(e.reconcileOnce().actions()).isEmpty();

      assertThat(outcomes.woken.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(outcomes.wake.result()).isEqualTo(ActionOutcome.Result.TIMED_OUT);
      assertThat(outcomes.wake.detail()).contains("did not return within 1000 ms");
      assertThat(hanging.threads).singleElement().asString().startsWith("ecokube-call-");

      e.reconcileOnce();
      assertThat(e.inFlight("worker-2")).isFalse();
      assertThat(e.record("worker-2").orElseThrow())
          .satisfies(
              r -> {
                assertThat(r.state()).isEqualTo(NodeLifecycle.OFF);
                assertThat(r.attempts()).isEqualTo(1);
                assertThat(r.lastError())
                    .hasValueSatisfying(s -> assertThat(s).contains("1000 ms"));
              });
    }
    assertThat(hanging.interrupted).isTrue();
  }

  @Test
  void startRunsTheLoopOnANamedThreadUntilClosed() throws Exception {
    EngineHarness h = new EngineHarness();
    CountDownLatch steps = new CountDownLatch(3);
    List<String> threads = new CopyOnWriteArrayList<>();
    EngineListener counter =
        new EngineListener() {
          @Override
          public void onPlan(Plan plan) {
            threads.add(Thread.currentThread().getName());
            steps.countDown();
          }
        };
    // A node that stays UNKNOWN (its probe always fails) gives a plan on every step.
    h.chains.put(
        "worker-2",
        m ->
            List.of(
                new PowerDriver() {
                  @Override
                  public String name() {
                    return "broken";
                  }

                  @Override
                  public Set<PowerCapability> capabilities() {
                    return Set.of(PowerCapability.READ_STATE);
                  }

                  @Override
                  public void powerOn() {}

                  @Override
                  public void powerOff(PowerOffMode mode) {}

                  @Override
                  public PowerState readState() throws PowerException {
                    throw new PowerException(
                        PowerException.Kind.UNREACHABLE, "worker-2", "10.0.0.2:623", "no answer");
                  }
                }));
    EcoKubeEngine e =
        h.engine(
                EnginePolicy.builder()
                    .retryBackoff(Duration.ofMillis(1))
                    .maxRetryBackoff(Duration.ofMillis(1))
                    .build())
            .clock(io.ecokube.api.time.Clock.system())
            .executor(ActionExecutor.threaded(1))
            .interval(Duration.ofMillis(20))
            .listener(counter)
            .build();
    try (e) {
      e.start();
      assertThat(steps.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("ecokube-reconcile-"));
    org.assertj.core.api.Assertions.assertThatThrownBy(e::reconcileOnce)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
