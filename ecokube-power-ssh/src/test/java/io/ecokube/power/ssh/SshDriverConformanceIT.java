package io.ecokube.power.ssh;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.test.conformance.ConformanceMachine;
import io.ecokube.test.conformance.PowerDriverConformance;
import io.ecokube.test.conformance.SilentServer;
import io.ecokube.test.virtualnode.VirtualNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's conformance suite against the real ssh driver (JSch) and a virtual node's SSH server on
 * 127.0.0.1, which logs in by password and goes off when the power-off command runs. OpenSSH (see
 * {@link SshPowerDriverOpenSshIT}) cannot play a machine that powers off; the virtual node can.
 */
class SshDriverConformanceIT extends PowerDriverConformance<SshDriverConformanceIT.Machine> {
  private static final String NODE = "conformance-ssh";
  private static final String SECRET_REF = "mem:conformance-ssh";

  @TempDir Path dir;

  /** A virtual node, and where the driver is pointed when it is made faulty. */
  static final class Machine implements ConformanceMachine {
    final VirtualNode node;
    SilentServer silent;
    Integer closedPort;

    Machine(VirtualNode node) {
      this.node = node;
    }

    @Override
    public PowerState state() {
      return node.state();
    }

    @Override
    public void makeUnreachable() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort(); // free and closed once the probe socket is gone
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void makeUnresponsive() {
      silent = SilentServer.start();
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
      node.close();
    }
  }

  @Override
  protected Machine startMachine(String secret, boolean on) throws Exception {
    return new Machine(
        VirtualNode.builder(NODE)
            .credentials("ecokube", secret)
            .shutdownTime(Duration.ofMillis(50))
            .initiallyOn(on)
            .build()
            .start());
  }

  @Override
  protected PowerDriver createDriver(Machine machine, String secret, Duration timeout)
      throws Exception {
    Path knownHosts = dir.resolve("known_hosts-" + machine.node.sshPort());
    Files.writeString(knownHosts, machine.node.knownHostsLine());
    Map<String, String> values =
        new HashMap<>(machine.node.sshDriverSettings(knownHosts, SECRET_REF));
    if (machine.silent != null) {
      values.put("port", Integer.toString(machine.silent.port()));
      values.put("strict-host-key-checking", "false");
    } else if (machine.closedPort != null) {
      values.put("port", Integer.toString(machine.closedPort));
      values.put("strict-host-key-checking", "false");
    }
    String ms = timeout.toMillis() + "ms";
    values.put("connect-timeout", ms);
    values.put("command-timeout", ms);
    values.put("probe-timeout", ms);
    values.put("off-after-failed-probes", "1");
    DriverSettings settings =
        new DriverSettings(NODE, values, SecretResolver.inMemory(Map.of(SECRET_REF, secret)));
    return new SshPowerDriverProvider().create(new DriverContext(NODE, settings, Clock.system()));
  }

  /** readState is a port probe: it presents no credentials. */
  @Override
  protected Set<PowerCapability> authenticatedOperations(Set<PowerCapability> declared) {
    Set<PowerCapability> ops = EnumSet.copyOf(declared);
    ops.remove(PowerCapability.READ_STATE);
    return ops;
  }
}
