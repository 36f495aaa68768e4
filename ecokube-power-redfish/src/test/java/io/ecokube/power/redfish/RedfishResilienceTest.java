package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static io.ecokube.power.redfish.Fixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Busy BMCs (409/503), task monitors, slow and absent services. */
class RedfishResilienceTest {
  private static final String RESET = "/Actions/ComputerSystem.Reset";
  private final VirtualSleeper sleeper = new VirtualSleeper();
  private final SystemSpec spec = SystemSpec.standard("s1", "Off");
  private RedfishEmulator em;

  @BeforeEach
  void startEmulator() {
    em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(spec));
  }

  @AfterEach
  void stopEmulator() {
    em.close();
  }

  private RedfishDriver driver(RedfishSettings.Builder b) {
    return new RedfishDriver(NODE, b.build(), sleeper.clock, sleeper);
  }

  @Test
  void retriesAConflictHonouringRetryAfter() throws Exception {
    em.fail("POST", RESET, 409, 2, "3");
    try (RedfishDriver d = driver(settings(em))) {
      d.powerOn();
    }
    assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    assertThat(em.count("POST", RESET)).isEqualTo(3);
    assertThat(em.powerState(spec.path())).isEqualTo("On");
  }

  @Test
  void backsOffExponentiallyOnServiceUnavailableWithoutRetryAfter() throws Exception {
    em.fail("POST", RESET, 503, 3, null);
    try (RedfishDriver d =
        driver(
            settings(em)
                .retryBackoff(Duration.ofMillis(500))
                .maxRetryBackoff(Duration.ofSeconds(1)))) {
      d.powerOn();
    }
    assertThat(sleeper.sleeps)
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(em.powerState(spec.path())).isEqualTo("On");
  }

  @Test
  void honoursAnHttpDateRetryAfterMeasuredOnTheClock() throws Exception {
    String at =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            sleeper.clock.now().plusSeconds(7).atOffset(ZoneOffset.UTC));
    em.fail("GET", "/Systems/s1", 503, 1, at);
    try (RedfishDriver d = driver(settings(em))) {
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
    }
    assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void givesUpAfterTheRetryBound() {
    em.fail("POST", RESET, 503, 100, "1");
    try (RedfishDriver d = driver(settings(em).maxRetries(2))) {
      assertThatThrownBy(d::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                assertThat(e.endpoint()).endsWith("/redfish/v1/Systems/s1" + RESET);
              })
          .hasMessageContaining("503")
          .hasMessageContaining("after 2 retries");
    }
    assertThat(em.count("POST", RESET)).isEqualTo(3);
    assertThat(em.powerState(spec.path())).isEqualTo("Off");
  }

  @Test
  void aRetryAfterBeyondTheOperationTimeoutFailsAtOnce() {
    em.fail("POST", RESET, 409, 1, "600");
    try (RedfishDriver d = driver(settings(em).operationTimeout(Duration.ofSeconds(60)))) {
      assertThatThrownBy(d::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
          .hasMessageContaining("operation timeout")
          .hasMessageContaining("operationTimeout");
    }
    assertThat(sleeper.sleeps).isEmpty();
  }

  @Test
  void followsTheTaskMonitorOfAnAcceptedReset() throws Exception {
    em.resetsAsTasks(2, null);
    try (RedfishDriver d = driver(settings(em).taskPollInterval(Duration.ofSeconds(2)))) {
      d.powerOn();
      assertThat(em.powerState(spec.path())).isEqualTo("On");
      assertThat(d.readState()).isEqualTo(PowerState.ON);
    }
    assertThat(em.count("GET", "/TaskService/TaskMonitors/")).isEqualTo(3);
    assertThat(sleeper.sleeps).containsOnly(Duration.ofSeconds(2)).hasSize(3);
  }

  @Test
  void taskMonitorPollsFollowRetryAfter() throws Exception {
    em.resetsAsTasks(1, "5");
    try (RedfishDriver d = driver(settings(em))) {
      d.powerOn();
    }
    assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @Test
  void aTaskThatNeverFinishesTimesOutOnTheClock() {
    em.resetsAsTasks(-1, null);
    try (RedfishDriver d =
        driver(
            settings(em)
                .taskTimeout(Duration.ofSeconds(30))
                .taskPollInterval(Duration.ofSeconds(4)))) {
      assertThatThrownBy(d::powerOn)
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
          .hasMessageContaining("On task did not finish within 30000 ms")
          .hasMessageContaining("taskTimeout");
    }
    assertThat(sleeper.sleeps).hasSize(7);
    assertThat(em.powerState(spec.path())).isEqualTo("Off");
  }

  @Test
  void aFailedTaskIsReportedWithItsMessage() {
    em.resetsAsTasks(1, null);
    em.tasksFail("power supply fault");
    em.powerState(spec.path(), "On");
    try (RedfishDriver d = driver(settings(em))) {
      assertThatThrownBy(() -> d.powerOff(PowerOffMode.FORCED))
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessageContaining("ForceOff task ended in state Exception")
          .hasMessageContaining("power supply fault");
    }
  }

  @Test
  void aSlowAnswerTimesOutWithinTheRequestTimeout() throws Exception {
    try (RedfishDriver d = driver(settings(em).requestTimeout(Duration.ofMillis(1500)))) {
      d.system();
      CountDownLatch release = em.stall("GET", "/Systems/s1");
      try {
        assertThatThrownBy(d::readState)
            .isInstanceOfSatisfying(
                PowerException.class,
                e -> {
                  assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                  assertThat(e.kind().retryable()).isTrue();
                })
            .hasMessageContaining("no answer within 1500 ms")
            .hasMessageContaining("requestTimeout");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedfishSettings s =
        RedfishSettings.builder(
                URI.create("https://127.0.0.1:" + port),
                RedfishEmulator.USER,
                Secret.of(RedfishEmulator.PASSWORD, "env:X"))
            .build();
    try (RedfishDriver d = new RedfishDriver(NODE, s, sleeper.clock, sleeper)) {
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                assertThat(e.endpoint()).isEqualTo("https://127.0.0.1:" + port + "/redfish/v1/");
              })
          .hasMessageContaining("could not connect")
          .hasMessageContaining("check the endpoint address and port");
    }
  }
}
