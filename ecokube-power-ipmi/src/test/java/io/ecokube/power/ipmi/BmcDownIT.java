package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A BMC that is down, silent, or dies mid-session: typed errors within the configured bound. */
class BmcDownIT {

  private static IpmiPowerDriver driver(int port, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(port));
    m.put("username", IpmiSim.USER);
    m.put("password", "mem:bmc");
    m.putAll(extra);
    return Drivers.create("n1", new io.ecokube.api.power.DriverSettings("n1", m, Drivers.SECRETS));
  }

  /** Loads the driver's classes first, so that the timed tests measure waits, not class loading. */
  @BeforeAll
  static void warmUp() throws Exception {
    try (IpmiPowerDriver d = driver(IpmiSim.freeUdpPort(), Map.of())) {
      assertThatThrownBy(d::readState).isInstanceOf(PowerException.class);
    }
  }

  @Test
  void aClosedPortIsUnreachableAtOnce() throws Exception {
    int port = IpmiSim.freeUdpPort();
    try (IpmiPowerDriver d = driver(port, Map.of("timeout", "5s"))) {
      long start = System.nanoTime();
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.UNREACHABLE);
                assertThat(e.getMessage())
                    .contains(
                        "node 'n1'", "127.0.0.1:" + port, "port unreachable", "check the host");
              });
      // ICMP tells at once; no need to sit out the retransmissions.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void aSilentBmcIsRetriedThenUnreachableWithinTheBound() throws Exception {
    try (UdpRelay silent = UdpRelay.blackHole();
        IpmiPowerDriver d =
            driver(
                silent.port(),
                Map.of("timeout", "3s", "responseTimeout", "200ms", "retries", "3"))) {
      long start = System.nanoTime();
      assertThatThrownBy(d::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(PowerException.Kind.UNREACHABLE);
                assertThat(e.getMessage()).contains("Open Session", "4 transmissions");
              });
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Four waits of 200 ms, well inside the 3 s call bound (slack: class loading, busy CPU).
      assertThat(took).isBetween(Duration.ofMillis(750), Duration.ofMillis(2000));
      await().atMost(Duration.ofSeconds(2)).until(() -> silent.requests() == 4);
    }
  }

  @Test
  void theCallTimeoutBoundsRetransmissions() throws Exception {
    try (UdpRelay silent = UdpRelay.blackHole();
        IpmiPowerDriver d =
            driver(
                silent.port(),
                Map.of("timeout", "700ms", "responseTimeout", "300ms", "retries", "10"))) {
      long start = System.nanoTime();
      assertThatThrownBy(d::readState).isInstanceOf(PowerException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Ten retries 300 ms apart would take 3.3 s: the 700 ms call bound cuts them short. The
      // slack above the bound absorbs class loading and a busy CPU, not protocol waits.
      assertThat(took).isBetween(Duration.ofMillis(650), Duration.ofMillis(1700));
      // 300 ms apart within 700 ms: three sends, two if the JVM was slow to make the first.
      await().atMost(Duration.ofSeconds(2)).until(() -> silent.requests() >= 2);
      assertThat(silent.requests()).isBetween(2, 3);
    }
  }

  @Test
  void aBmcThatDiesMidSessionIsReportedWithinTheBound() throws Exception {
    IpmiSim sim = IpmiSim.start();
    int port = sim.port();
    try (IpmiPowerDriver d = driver(port, Map.of("timeout", "2s", "responseTimeout", "300ms"))) {
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
      sim.close();
      long start = System.nanoTime();
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e ->
                  assertThat(e.kind())
                      .isIn(PowerException.Kind.UNREACHABLE, PowerException.Kind.TIMEOUT));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }
  }
}
