package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three simulated BMCs on three ports, driven at the same time, each seeing only its own node. */
class SeveralBmcsIT {
  static final int COUNT = 3;
  static final List<IpmiSim> sims = new ArrayList<>();

  @BeforeAll
  static void start() {
    for (int i = 0; i < COUNT; i++) {
      sims.add(IpmiSim.start());
    }
  }

  @AfterAll
  static void stop() {
    sims.forEach(IpmiSim::close);
  }

  @Test
  void nodesArePoweredIndependentlyAndConcurrently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(COUNT);
    List<IpmiPowerDriver> drivers = new ArrayList<>();
    try {
      for (int i = 0; i < COUNT; i++) {
        drivers.add(Drivers.create("node-" + i, sims.get(i)));
      }
      // Nodes 0 and 2 go on, node 1 stays off; all at once.
      List<Future<PowerState>> results = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        IpmiPowerDriver d = drivers.get(i);
        boolean on = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  if (on) {
                    d.powerOn();
                  }
                  return d.readState();
                }));
      }
      for (int i = 0; i < COUNT; i++) {
        PowerState expected = i % 2 == 0 ? PowerState.ON : PowerState.OFF;
        assertThat(results.get(i).get()).as("node-%d", i).isEqualTo(expected);
        assertThat(sims.get(i).ipmitoolSaysOn()).as("ipmitool on node-%d", i).isEqualTo(i % 2 == 0);
        assertThat(sims.get(i).chassisRequests())
            .as("requests to node-%d", i)
            .isEqualTo(i % 2 == 0 ? List.of("set power 1") : List.of());
      }
      // And the reverse: ipmitool flips every node, each driver reads its own.
      for (int i = 0; i < COUNT; i++) {
        sims.get(i).ipmitool("chassis", "power", i % 2 == 0 ? "off" : "on");
      }
      List<Future<PowerState>> reads = new ArrayList<>();
      for (IpmiPowerDriver d : drivers) {
        reads.add(pool.submit(d::readState));
      }
      for (int i = 0; i < COUNT; i++) {
        assertThat(reads.get(i).get()).isEqualTo(i % 2 == 0 ? PowerState.OFF : PowerState.ON);
      }
      for (IpmiPowerDriver d : drivers) {
        pool.submit(
                () -> {
                  d.powerOff(PowerOffMode.GRACEFUL);
                  return null;
                })
            .get();
      }
      for (IpmiSim sim : sims) {
        assertThat(sim.ipmitoolSaysOn()).isFalse();
      }
    } finally {
      drivers.forEach(IpmiPowerDriver::close);
      pool.shutdownNow();
    }
  }
}
