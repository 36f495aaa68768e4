package io.ecokube.power.redfish;

import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.time.Clock;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import io.ecokube.test.conformance.ConformanceMachine;
import io.ecokube.test.conformance.PowerDriverConformance;
import io.ecokube.test.conformance.SilentServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

/**
 * The kit's conformance suite against the real Redfish driver and the module's Redfish emulator
 * (HTTPS on 127.0.0.1, session and basic auth, power state changed by ComputerSystem.Reset).
 */
class RedfishDriverConformanceIT
    extends PowerDriverConformance<RedfishDriverConformanceIT.Machine> {
  private static final String SYSTEM = "/redfish/v1/Systems/1";

  /** The emulator, and where the driver is pointed when it is made faulty. */
  static final class Machine implements ConformanceMachine {
    final RedfishEmulator emulator;
    URI faultyEndpoint;
    SilentServer silent;

    Machine(RedfishEmulator emulator) {
      this.emulator = emulator;
    }

    @Override
    public PowerState state() {
      return switch (emulator.powerState(SYSTEM)) {
        case "On" -> PowerState.ON;
        case "Off" -> PowerState.OFF;
        case "PoweringOn" -> PowerState.BOOTING;
        case "PoweringOff" -> PowerState.SHUTTING_DOWN;
        default -> PowerState.UNKNOWN;
      };
    }

    @Override
    public void makeUnreachable() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        faultyEndpoint = URI.create("https://127.0.0.1:" + s.getLocalPort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void makeUnresponsive() {
      silent = SilentServer.start();
      faultyEndpoint = URI.create("https://127.0.0.1:" + silent.port());
    }

    @Override
    public boolean checksCredentials() {
      return true;
    }

    @Override
    public void close() {
      if (silent != null) {
        silent.close();
      }
      emulator.close();
    }
  }

  @Override
  protected Machine startMachine(String secret, boolean on) {
    RedfishEmulator em =
        RedfishEmulator.start(
            TestTls.get(), EmulatorTree.of(SystemSpec.standard("1", on ? "On" : "Off")));
    em.password(secret);
    return new Machine(em);
  }

  @Override
  protected PowerDriver createDriver(Machine machine, String secret, Duration timeout) {
    URI endpoint =
        machine.faultyEndpoint != null ? machine.faultyEndpoint : machine.emulator.endpoint();
    RedfishSettings settings =
        RedfishSettings.builder(
                endpoint, RedfishEmulator.USER, Secret.of(secret, "env:BMC_PASSWORD"))
            .trustStore(TestTls.get().pem())
            .connectTimeout(timeout)
            .requestTimeout(timeout)
            .operationTimeout(timeout.multipliedBy(2))
            .maxRetries(1)
            .retryBackoff(Duration.ofMillis(50))
            .build();
    return new RedfishDriver("conformance-redfish", settings, Clock.system());
  }
}
