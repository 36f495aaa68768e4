package io.ecokube.examples;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.power.ForwardingPowerDriver;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.EventLoop;
import io.ecokube.api.time.ManualClock;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.examples.kafka.KafkaJobQueue;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import io.ecokube.test.virtualnode.PowerChange;
import io.ecokube.test.virtualnode.VirtualNode;
import io.ecokube.test.virtualnode.VirtualTimeScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The Eco-Stream scenario's real peers: an embedded Kafka broker (KRaft, inside this JVM) holds the
 * uploads and the engine reads their true consumer lag, and worker-2 is a {@link VirtualNode} woken
 * by the real {@code wol} driver (a magic packet over UDP on 127.0.0.1) and powered off by the real
 * {@code ssh} driver (an SSH session to the node's in-JVM SSH server). Nodes, pods and time stay
 * simulated, so the whole story runs in well under two minutes and needs nothing but a JDK.
 *
 * <p>Virtual time and real sockets meet in one place: after the wake driver has sent its packets,
 * the demo waits (bounded) until the virtual node has received one before virtual time moves on,
 * because the packet arrives on the node's own thread.
 */
public final class EcoStreamPeers implements AutoCloseable {
  private static final String PASSWORD_REF = "mem:worker-2-ssh";
  private static final String GROUP = "eco-worker-group";
  private static final int PARTITIONS = 10;

  private final ManualClock clock;
  // One loop for the simulation and worker-2's boots and shutdowns.
  private final EventLoop loop;
  private final VirtualTimeScheduler scheduler;
  private final EmbeddedKafkaBroker broker;
  private final KafkaJobQueue queue;
  private final VirtualNode worker2;
  private final DriverRegistry registry;
  private final Path knownHosts;
  private final Semaphore packetsSeen = new Semaphore(0);

  private EcoStreamPeers(EcoKubeConfig config) throws IOException {
    clock = new ManualClock(Instant.parse("2026-03-02T09:00:00Z"));
    loop = new EventLoop(clock);
    scheduler = new VirtualTimeScheduler(loop);
    NodeSpec green =
        config
            .node(EcoStreamScenario.GREEN_NODE)
            .orElseThrow(() -> new IllegalArgumentException("the config has no worker-2"));
    byte[] pw = new byte[18];
    new SecureRandom().nextBytes(pw);
    String password = HexFormat.of().formatHex(pw);
    EmbeddedKafkaBroker startedBroker = EmbeddedKafkaBroker.start();
    VirtualNode node = null;
    try {
      node =
          VirtualNode.builder(green.name())
              .bootTime(green.power().bootTime())
              .shutdownTime(green.power().shutdownTime())
              .credentials("ecokube", password)
              .scheduler(scheduler)
              .build()
              .start();
      node.addListener(this::onPowerChange);
      knownHosts = Files.createTempFile("ecokube-demo-known_hosts", "");
      knownHosts.toFile().deleteOnExit();
      Files.writeString(knownHosts, node.knownHostsLine());
      registry =
          DriverRegistry.builder()
              .loadServices()
              .secrets(SecretResolver.inMemory(Map.of(PASSWORD_REF, password)))
              .clock(clock)
              .build();
      queue = KafkaJobQueue.create(startedBroker, EcoStreamScenario.QUEUE, GROUP, PARTITIONS);
    } catch (IOException | RuntimeException e) {
      if (node != null) {
        node.close();
      }
      startedBroker.close();
      throw e;
    }
    broker = startedBroker;
    worker2 = node;
  }

  /** Starts the broker and the virtual node for the scenario's config. */
  public static EcoStreamPeers start(EcoKubeConfig config) throws IOException {
    return new EcoStreamPeers(config);
  }

  /** Wires the peers into a scenario: event loop, queue, worker-2's power and drivers. */
  public EcoStreamScenario.Builder configure(EcoStreamScenario.Builder b) {
    return b.loop(loop)
        .queue(queue)
        .power(EcoStreamScenario.GREEN_NODE, worker2::state)
        .drivers(this::chainFor);
  }

  /** The virtual node behind worker-2. */
  public VirtualNode worker2() {
    return worker2;
  }

  /** Where the broker listens. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  private void onPowerChange(PowerChange change) {
    if (change.from() == PowerState.OFF) {
      packetsSeen.release();
    }
  }

  private List<PowerDriver> chainFor(NodeSpec node) {
    if (!node.name().equals(worker2.name())) {
      return List.of();
    }
    NodeSpec real =
        node.toBuilder()
            .address(
                new PowerAddress(
                    List.of(
                        new DriverSpec("wol", worker2.wolDriverSettings()),
                        new DriverSpec("ssh", sshSettings()))))
            .build();
    return registry.chainFor(real).stream()
        .map(d -> d.name().equals("wol") ? (PowerDriver) new ConfirmedWake(d) : d)
        .toList();
  }

  private Map<String, String> sshSettings() {
    Map<String, String> ssh =
        new LinkedHashMap<>(worker2.sshDriverSettings(knownHosts, PASSWORD_REF));
    // On loopback a refused connection is definitive: one failed probe means the machine is off,
    // where a LAN default waits for three to ride out a lost packet.
    ssh.put("off-after-failed-probes", "1");
    return ssh;
  }

  /** Wakes through the real driver, then waits until the virtual node has seen the packet. */
  private final class ConfirmedWake extends ForwardingPowerDriver {
    ConfirmedWake(PowerDriver delegate) {
      super(delegate);
    }

    @Override
    public void powerOn() throws PowerException {
      packetsSeen.drainPermits();
      super.powerOn();
      try {
        if (!packetsSeen.tryAcquire(10, TimeUnit.SECONDS)) {
          throw new PowerException(
              PowerException.Kind.TIMEOUT,
              worker2.name(),
              "udp://127.0.0.1:" + worker2.wolPort(),
              "the virtual node received no magic packet within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PowerException(
            PowerException.Kind.TIMEOUT, worker2.name(), "udp", "interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    registry.close();
    queue.close();
    worker2.close();
    broker.close();
  }
}
