package io.ecokube.power.wol;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.test.conformance.ConformanceMachine;
import io.ecokube.test.conformance.PowerDriverConformance;
import io.ecokube.test.virtualnode.VirtualNode;
import java.time.Duration;
import java.util.Map;

/**
 * The kit's conformance suite against the real wol driver and a virtual node's network card on
 * 127.0.0.1. Magic packets carry no credentials and UDP gives no answer to wait for, so the
 * credential, unreachable and silent-machine checks are skipped by the machine.
 */
class WolDriverConformanceIT extends PowerDriverConformance<WolDriverConformanceIT.Machine> {

  /** A virtual node that boots 50 ms after its magic packet. */
  record Machine(VirtualNode node) implements ConformanceMachine {
    @Override
    public PowerState state() {
      return node.state();
    }

    @Override
    public void close() {
      node.close();
    }
  }

  @Override
  protected Machine startMachine(String secret, boolean on) throws Exception {
    return new Machine(
        VirtualNode.builder("conformance-wol")
            .credentials("ecokube", secret)
            .bootTime(Duration.ofMillis(50))
            .initiallyOn(on)
            .build()
            .start());
  }

  @Override
  protected PowerDriver createDriver(Machine machine, String secret, Duration timeout) {
    DriverSettings settings =
        new DriverSettings(
            "conformance-wol",
            machine.node().wolDriverSettings(),
            SecretResolver.inMemory(Map.of()));
    return new WakeOnLanDriverProvider()
        .create(new DriverContext("conformance-wol", settings, Clock.system()));
  }
}
