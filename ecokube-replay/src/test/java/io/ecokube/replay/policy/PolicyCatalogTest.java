package io.ecokube.replay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCatalogTest {
  private static final Duration TEN_S = Duration.ofSeconds(10);

  @Test
  void alwaysOnKeepsEveryNodeOnFromTheStart() {
    ReplayPolicy p = PolicyCatalog.policy("always-on", 7);
    PoolPolicy pool = p.engine().pool(PolicyCatalog.POOL);
    assertThat(pool.minActive()).isEqualTo(7);
    assertThat(pool.warmReserve()).isEqualTo(7);
    assertThat(p.startOn()).isTrue();
    assertThat(p.predictive()).isFalse();
  }

  @Test
  void reactiveIsThePrototype() {
    ReplayPolicy p = PolicyCatalog.policy("reactive", 7);
    assertThat(p.engine().pool(PolicyCatalog.POOL).idleGrace()).contains(Duration.ZERO);
    assertThat(p.engine().minUptime()).isZero();
    assertThat(p.engine().wakeRate()).isEqualTo(RateLimit.unlimited());
    assertThat(p.engine().suspendRate()).isEqualTo(RateLimit.unlimited());
    assertThat(p.engine().maxCyclesPerNodePerDay()).isGreaterThanOrEqualTo(100_000);
    assertThat(p.reconcileInterval()).isEqualTo(TEN_S);
    assertThat(p.startOn()).isFalse();
  }

  @Test
  void idleTimeoutIsSlurmSuspendTime() {
    ReplayPolicy p = PolicyCatalog.policy("idle-timeout", 7);
    assertThat(p.engine().pool(PolicyCatalog.POOL).idleGrace())
        .isEqualTo(Optional.of(Duration.ofSeconds(300)));
    assertThat(p.engine().minUptime()).isZero();
  }

  @Test
  void autoscalerWaitsTenMinutesBothWays() {
    ReplayPolicy p = PolicyCatalog.policy("autoscaler", 7);
    assertThat(p.engine().pool(PolicyCatalog.POOL).idleGrace()).contains(Duration.ofMinutes(10));
    assertThat(p.engine().minUptime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.engine().suspendRate()).isEqualTo(new RateLimit(10, TEN_S));
    assertThat(p.reconcileInterval()).isEqualTo(TEN_S);
  }

  @Test
  void ecoKubeDefaultIsTheEnginesDefaultAndPredictiveAddsPreWake() {
    ReplayPolicy d = PolicyCatalog.policy("eco-default", 7);
    ReplayPolicy p = PolicyCatalog.policy("eco-predictive", 7);
    assertThat(d.engine()).isEqualTo(EnginePolicy.defaults());
    assertThat(d.engine().pool(PolicyCatalog.POOL).idleGrace()).isEmpty();
    assertThat(p.engine()).isEqualTo(EnginePolicy.defaults());
    assertThat(d.predictive()).isFalse();
    assertThat(p.predictive()).isTrue();
  }

  @Test
  void parsesListsAndRejectsUnknownKeys() {
    assertThat(PolicyCatalog.parse("all")).isEqualTo(PolicyCatalog.KEYS);
    assertThat(PolicyCatalog.parse(" Reactive, clairvoyant ,reactive,"))
        .containsExactly("reactive", "clairvoyant");
    assertThatThrownBy(() -> PolicyCatalog.parse("reactive,greedy"))
        .hasMessageContaining("unknown policy 'greedy'")
        .hasMessageContaining("always-on");
    assertThatThrownBy(() -> PolicyCatalog.parse(" , ")).hasMessageContaining("no policy given");
    assertThatThrownBy(() -> PolicyCatalog.policy("clairvoyant", 3))
        .hasMessageContaining("unknown policy");
  }
}
