package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UDP loss between driver and BMC is repaired by retransmission, in both directions; a replayed BMC
 * answer is not believed.
 */
class LossyLinkIT {
  @RegisterExtension static IpmiSimExtension bmc = new IpmiSimExtension();

  private static IpmiPowerDriver through(UdpRelay relay) {
    return through(relay, Map.of());
  }

  private static IpmiPowerDriver through(UdpRelay relay, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(relay.port()));
    m.put("username", IpmiSim.USER);
    m.put("password", "mem:bmc");
    m.put("responseTimeout", "150ms");
    m.put("timeout", "5s");
    m.put("minCommandInterval", "0");
    m.putAll(extra);
    return Drivers.create("n1", new DriverSettings("n1", m, Drivers.SECRETS));
  }

  @Test
  void everyFirstTransmissionLostStillWorks() throws Exception {
    // Odd-numbered requests are dropped: each exchange's first send is lost, its retry passes.
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> n % 2 == 1, n -> false);
        IpmiPowerDriver d = through(relay)) {
      d.powerOn();
      assertThat(d.readState()).isEqualTo(PowerState.ON);
      d.powerOff(PowerOffMode.FORCED);
      assertThat(bmc.sim().ipmitoolSaysOn()).isFalse();
      assertThat(relay.dropped()).isGreaterThanOrEqualTo(6);
      assertThat(d.sessionsOpened()).isEqualTo(1);
    }
    assertThat(bmc.sim().chassisRequests()).containsExactly("set power 1", "set power 0");
  }

  @Test
  void lostAnswersAreRepairedToo() throws Exception {
    // Every third answer from the BMC is lost on its way back.
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> false, n -> n % 3 == 0);
        IpmiPowerDriver d = through(relay)) {
      for (int i = 0; i < 5; i++) {
        assertThat(d.readState()).isEqualTo(PowerState.OFF);
      }
      d.powerOn();
      assertThat(d.readState()).isEqualTo(PowerState.ON);
      assertThat(relay.dropped()).isGreaterThanOrEqualTo(3);
    }
    assertThat(bmc.sim().ipmitoolSaysOn()).isTrue();
  }

  @Test
  void aLostRakp4StartsTheHandshakeAfresh() throws Exception {
    // Answers: 1 Open Session, 2 RAKP 2, 3 RAKP 4 (lost). Resending RAKP 3 cannot repair that:
    // the BMC ignores a repeated RAKP 3, so the driver must start a new handshake.
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> false, n -> n == 3);
        IpmiPowerDriver d = through(relay, Map.of("cipherSuites", "3"))) {
      assertThat(d.readState()).isIn(PowerState.ON, PowerState.OFF);
      assertThat(relay.dropped()).isEqualTo(1);
      assertThat(d.sessionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void aReplayedAnswerIsNotBelieved() throws Exception {
    bmc.sim().ipmitool("chassis", "power", "on");
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> false, n -> false);
        IpmiPowerDriver d =
            through(relay, Map.of("timeout", "1s", "responseTimeout", "200ms", "retries", "2"))) {
      assertThat(d.readState()).isEqualTo(PowerState.ON);
      byte[] saidOn = relay.answers().get(relay.answers().size() - 1);
      bmc.sim().ipmitool("chassis", "power", "off");
      // 63 more requests bring the 6-bit request sequence back to that of the recorded answer,
      // so only the session sequence number tells the replay from a real answer.
      for (int i = 0; i < 63; i++) {
        assertThat(d.readState()).isEqualTo(PowerState.OFF);
      }
      // Without the replay window the driver would now report ON. It hears nothing it can
      // believe: the session times out, and the fresh session it tries then gets no answer.
      relay.replay(saidOn);
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e ->
                  assertThat(e.kind())
                      .isIn(PowerException.Kind.TIMEOUT, PowerException.Kind.UNREACHABLE));
      assertThat(d.sessionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void ipmi15SessionsAreRepairedByRetransmissionToo() throws Exception {
    // Odd requests and every third answer are lost, handshake included.
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> n % 2 == 1, n -> n % 3 == 0);
        IpmiPowerDriver d = through(relay, Map.of("protocol", "lan"))) {
      d.powerOn();
      for (int i = 0; i < 3; i++) {
        assertThat(d.readState()).isEqualTo(PowerState.ON);
      }
      d.powerOff(PowerOffMode.GRACEFUL);
      assertThat(d.readState()).isEqualTo(PowerState.OFF);
      assertThat(relay.dropped()).isGreaterThanOrEqualTo(8);
      assertThat(d.sessionsOpened()).isEqualTo(1);
    }
    // A retransmission carries a new session sequence number (the BMC refuses repeated ones), so
    // when only the answer was lost the BMC runs the command again: harmless for on and soft-off.
    assertThat(bmc.sim().chassisRequests())
        .containsOnly("set power 1", "set shutdown 1")
        .endsWith("set shutdown 1");
  }

  @Test
  void aReplayedIpmi15AnswerIsNotBelieved() throws Exception {
    bmc.sim().ipmitool("chassis", "power", "on");
    try (UdpRelay relay = UdpRelay.to(bmc.sim().port(), n -> false, n -> false);
        IpmiPowerDriver d =
            through(
                relay,
                Map.of(
                    "protocol",
                    "lan",
                    "timeout",
                    "1s",
                    "responseTimeout",
                    "200ms",
                    "retries",
                    "2"))) {
      assertThat(d.readState()).isEqualTo(PowerState.ON);
      byte[] saidOn = relay.answers().get(relay.answers().size() - 1);
      bmc.sim().ipmitool("chassis", "power", "off");
      for (int i = 0; i < 63; i++) {
        assertThat(d.readState()).isEqualTo(PowerState.OFF);
      }
      // Its MD5 auth code is genuine; only the session sequence number gives the replay away.
      relay.replay(saidOn);
      assertThatThrownBy(d::readState)
          .isInstanceOfSatisfying(
              PowerException.class,
              e ->
                  assertThat(e.kind())
                      .isIn(PowerException.Kind.TIMEOUT, PowerException.Kind.UNREACHABLE));
      assertThat(d.sessionsOpened()).isEqualTo(1);
    }
  }
}
