package io.ecokube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.sim.SimulationReport;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Eco-Stream demo on its real peers: uploads through an embedded Kafka broker, worker-2 a
 * virtual machine woken by the real wol driver and powered off by the real ssh driver.
 */
class EcoStreamPeersIT {
  private static EcoStreamPeers peers;
  private static SimulationReport report;

  @BeforeAll
  static void run() throws Exception {
    peers = EcoStreamPeers.start(EcoStreamScenario.loadBundledConfig());
    report = peers.configure(EcoStreamScenario.builder()).build().run();
  }

  @AfterAll
  static void stop() {
    if (peers != null) {
      peers.close();
    }
  }

  @Test
  void workerTwoIsWokenByAMagicPacketAndPoweredOffOverSsh() {
    List<NodeLifecycle> states = report.states(EcoStreamScenario.GREEN_NODE);
    assertThat(states.subList(1, states.size()))
        .containsExactly(
            NodeLifecycle.OFF,
            NodeLifecycle.BOOTING,
            NodeLifecycle.ACTIVE,
            NodeLifecycle.DRAINING,
            NodeLifecycle.SHUTTING_DOWN,
            NodeLifecycle.OFF);
    // The virtual machine really received the packets and really went down over SSH.
    assertThat(peers.worker2().magicPacketsReceived()).isGreaterThanOrEqualTo(1);
    assertThat(peers.worker2().state()).isEqualTo(PowerState.OFF);
    assertThat(report.powerCycles()).containsEntry(EcoStreamScenario.GREEN_NODE, 1);
  }

  @Test
  void everyUploadInTheBrokerIsTranscodedForLessEnergyThanAlwaysOn() {
    assertThat(report.jobsCompleted()).isEqualTo(EcoStreamScenario.UPLOADS);
    assertThat(EcoStreamScenario.succeeded(report)).isTrue();
  }
}
