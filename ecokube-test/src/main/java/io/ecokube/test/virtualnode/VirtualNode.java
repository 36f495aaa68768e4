package io.ecokube.test.virtualnode;

import io.ecokube.api.power.PowerState;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulated bare-metal machine for demos and tests, reachable only on 127.0.0.1. It has the two
 * things the {@code wol} and {@code ssh} drivers talk to:
 *
 * <ul>
 *   <li>a "network card" that listens for Wake-on-LAN magic packets on a UDP port, always, like a
 *       NIC on standby power: a packet for its MAC address while it is {@link PowerState#OFF} makes
 *       it {@link PowerState#BOOTING}, and {@code bootTime} later it is {@link PowerState#ON};
 *   <li>an SSH server (Apache MINA SSHD, in this JVM; password login) that listens only while the
 *       machine is on, so the ssh driver's port probe sees it go away. Running the configured
 *       power-off command makes it {@link PowerState#SHUTTING_DOWN} and {@code shutdownTime} later
 *       {@link PowerState#OFF}; the forced command turns it off at once. Any other command exits
 *       with status 127.
 * </ul>
 *
 * <p><b>Time.</b> Boots and shutdowns finish through a {@link NodeScheduler} (the {@link
 * PowerSequence}). With {@link NodeScheduler#realTime()} (the default) a 45 s boot takes 45 s. With
 * a {@link VirtualTimeScheduler} they are events of the virtual-time {@link
 * io.ecokube.api.time.EventLoop} and finish only when the simulation runs it; the packet itself
 * still arrives over real UDP on the node's listener thread, so a virtual-time demo waits for the
 * {@code OFF -> BOOTING} change (a listener or {@link #bootRequestedAt()}) before it advances time.
 *
 * <p><b>Faults</b> for fallback tests: {@link #setWakeOnLanEnabled(boolean)} false makes it ignore
 * magic packets (as with WoL off in the firmware); {@link #setPowerOffFails(boolean)} true makes
 * the power-off command fail with exit status 1.
 *
 * <p>Listeners are called on the thread that caused the change (the UDP listener, an SSH session or
 * the scheduler) and must not block.
 */
public final class VirtualNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualNode.class);

  private final String name;
  private final byte[] mac;
  private final Duration bootTime;
  private final Duration shutdownTime;
  private final String user;
  private final byte[] password;
  private final String powerOffCommand;
  private final String forcedPowerOffCommand;
  private final NodeScheduler scheduler;
  private final boolean ownsScheduler;
  private final PowerSequence power;
  private final KeyPair hostKey;
  private final AtomicInteger magicPackets = new AtomicInteger();

  private boolean wakeOnLanEnabled = true;
  private boolean powerOffFails;
  private boolean closed;
  private DatagramSocket wolSocket;
  private int sshPort;
  private SshServer sshd;

  private VirtualNode(Builder b) {
    this.name = b.name;
    this.mac = b.mac;
    this.bootTime = b.bootTime;
    this.shutdownTime = b.shutdownTime;
    this.user = b.user;
    this.password = b.password.getBytes(StandardCharsets.UTF_8);
    this.powerOffCommand = b.powerOffCommand;
    this.forcedPowerOffCommand = b.forcedPowerOffCommand;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? NodeScheduler.realTime() : b.scheduler;
    this.power = new PowerSequence(name, b.initiallyOn ? PowerState.ON : PowerState.OFF, scheduler);
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      this.hostKey = gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate an EC host key", e);
    }
  }

  /** Starts describing a node with the given name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Opens the UDP listener and, if the node starts on, the SSH server; both on 127.0.0.1 and free
   * ports.
   *
   * @return this node
   * @throws IOException when a port cannot be bound
   */
  public synchronized VirtualNode start() throws IOException {
    if (wolSocket != null) {
      throw new IllegalStateException("node '" + name + "' is already started");
    }
    wolSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // Reserve a number now: the drivers' settings need it even while the machine is off.
      sshPort = probe.getLocalPort();
    }
    if (power.state() == PowerState.ON) {
      startSsh();
    }
    Thread t = new Thread(this::listen, "virtual-node-" + name + "-wol");
    t.setDaemon(true);
    t.start();
    LOG.info(
        "Virtual node '{}' ({}) is {}: magic packets to udp://127.0.0.1:{}, ssh on 127.0.0.1:{}",
        name,
        mac(),
        power.state(),
        wolSocket.getLocalPort(),
        sshPort);
    return this;
  }

  private void listen() {
    byte[] buf = new byte[512];
    while (true) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        wolSocket.receive(p);
      } catch (IOException e) {
        return; // closed
      }
      if (MagicPackets.wakes(mac, p.getData(), p.getOffset(), p.getLength())) {
        magicPackets.incrementAndGet();
        onMagicPacket();
      }
    }
  }

  private void onMagicPacket() {
    boolean wakes;
    synchronized (this) {
      wakes = !closed && wakeOnLanEnabled;
    }
    if (!wakes || !power.boot(bootTime, this::openSsh)) {
      LOG.debug("Virtual node '{}': magic packet ignored while {}", name, power.state());
    }
  }

  /** The end of a boot: the OS answers on SSH. */
  private boolean openSsh() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      try {
        startSsh();
        return true;
      } catch (IOException e) {
        LOG.error("Virtual node '{}': cannot open its SSH port {}", name, sshPort, e);
        return false;
      }
    }
  }

  /** The end of a shutdown: SSH goes away. */
  private boolean closeSsh() {
    SshServer server;
    synchronized (this) {
      if (closed) {
        return false;
      }
      server = detachSsh();
    }
    stop(server);
    return true;
  }

  private void startSsh() throws IOException {
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(sshPort);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator(
        (u, p, session) ->
            user.equals(u) && MessageDigest.isEqual(password, p.getBytes(StandardCharsets.UTF_8)));
    server.setCommandFactory(
        (channel, command) ->
            new PowerOffCommand(
                command,
                powerOffCommand,
                forcedPowerOffCommand,
                this::powerOffFails,
                forced -> power.shutDown(forced ? Duration.ZERO : shutdownTime, this::closeSsh)));
    server.start();
    sshd = server;
  }

  private SshServer detachSsh() {
    SshServer server = sshd;
    sshd = null;
    return server;
  }

  /** Stops outside the node's lock: closing sessions may call back into the node. */
  private void stop(SshServer server) {
    if (server != null) {
      try {
        server.stop(true);
      } catch (IOException e) {
        LOG.warn("Virtual node '{}': SSH server did not stop cleanly", name, e);
      }
    }
  }

  /** Adds a listener for power changes; see the class comment for its thread. */
  public void addListener(Consumer<PowerChange> listener) {
    power.addListener(listener);
  }

  /** The node's name. */
  public String name() {
    return name;
  }

  /** Its MAC address, as {@code aa:bb:cc:dd:ee:ff}. */
  public String mac() {
    return MagicPackets.format(mac);
  }

  /** The power state now. */
  public PowerState state() {
    return power.state();
  }

  /** When the last magic packet started a boot, on the scheduler's clock. */
  public Optional<Instant> bootRequestedAt() {
    return power.bootRequestedAt();
  }

  /** How many magic packets for this MAC arrived (including ignored repeats). */
  public int magicPacketsReceived() {
    return magicPackets.get();
  }

  /** The UDP port magic packets go to. */
  public synchronized int wolPort() {
    requireStarted();
    return wolSocket.getLocalPort();
  }

  /** The SSH port (listening only while the node is on or shutting down). */
  public synchronized int sshPort() {
    requireStarted();
    return sshPort;
  }

  /** A line for a known_hosts file that vouches for this node's SSH host key. */
  public synchronized String knownHostsLine() {
    requireStarted();
    return "[127.0.0.1]:" + sshPort + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n";
  }

  /** Settings for the {@code wol} driver that wake this node (3 packets, 10 ms apart). */
  public Map<String, String> wolDriverSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mac", mac());
    m.put("address", "127.0.0.1");
    m.put("port", Integer.toString(wolPort()));
    m.put("repeat", "3");
    m.put("interval", "10ms");
    return m;
  }

  /**
   * Settings for the {@code ssh} driver that power this node off.
   *
   * @param knownHosts a file holding {@link #knownHostsLine()}
   * @param passwordRef a secret reference ({@code env:...}, {@code file:...}) to this node's
   *     password
   */
  public Map<String, String> sshDriverSettings(Path knownHosts, String passwordRef) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(sshPort()));
    m.put("user", user);
    m.put("password", passwordRef);
    m.put("known-hosts", knownHosts.toString());
    m.put("command", powerOffCommand);
    m.put("forced-command", forcedPowerOffCommand);
    return m;
  }

  /** Whether magic packets wake the node (true unless a test turns WoL off). */
  public synchronized void setWakeOnLanEnabled(boolean enabled) {
    this.wakeOnLanEnabled = enabled;
  }

  /** Makes the power-off commands fail with exit status 1 (true) or work (false). */
  public synchronized void setPowerOffFails(boolean fails) {
    this.powerOffFails = fails;
  }

  private synchronized boolean powerOffFails() {
    return powerOffFails;
  }

  private void requireStarted() {
    if (wolSocket == null) {
      throw new IllegalStateException("node '" + name + "' is not started; call start()");
    }
  }

  /** Closes its sockets and, if it made it, its real-time scheduler. */
  @Override
  public void close() {
    SshServer server;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      power.close();
      server = detachSsh();
      if (wolSocket != null) {
        wolSocket.close();
      }
    }
    stop(server);
    if (ownsScheduler) {
      scheduler.close();
    }
  }

  @Override
  public String toString() {
    return "VirtualNode[" + name + ", " + mac() + ", " + state() + "]";
  }

  /** Describes a {@link VirtualNode}; every setting but the name has a default. */
  public static final class Builder {
    private final String name;
    private byte[] mac = MagicPackets.parseMac("02:00:00:00:00:01").orElseThrow();
    private Duration bootTime = Duration.ofSeconds(45);
    private Duration shutdownTime = Duration.ofSeconds(10);
    private String user = "ecokube";
    private String password = "";
    private String powerOffCommand = "sudo systemctl poweroff";
    private String forcedPowerOffCommand = "sudo systemctl poweroff --force --force";
    private NodeScheduler scheduler;
    private boolean initiallyOn;

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a virtual node needs a name");
      }
      this.name = name;
    }

    /** Its MAC address, in any form the wol driver accepts (default 02:00:00:00:00:01). */
    public Builder mac(String text) {
      this.mac =
          MagicPackets.parseMac(text)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "node '" + name + "': '" + text + "' is not a MAC address"));
      return this;
    }

    /** From magic packet to SSH answering (default 45 s). */
    public Builder bootTime(Duration d) {
      this.bootTime = nonNegative(d, "bootTime");
      return this;
    }

    /** From the graceful power-off command to off (default 10 s). */
    public Builder shutdownTime(Duration d) {
      this.shutdownTime = nonNegative(d, "shutdownTime");
      return this;
    }

    /** The SSH login (required: there is no default password). */
    public Builder credentials(String user, String password) {
      if (user == null || user.isBlank() || password == null || password.isEmpty()) {
        throw new IllegalArgumentException("node '" + name + "': user and password must be set");
      }
      this.user = user;
      this.password = password;
      return this;
    }

    /** The commands it obeys (defaults: the ssh driver's defaults). */
    public Builder powerOffCommands(String graceful, String forced) {
      this.powerOffCommand = Objects.requireNonNull(graceful, "graceful").strip();
      this.forcedPowerOffCommand = Objects.requireNonNull(forced, "forced").strip();
      return this;
    }

    /** Time source and timer (default: real time, owned and closed by the node). */
    public Builder scheduler(NodeScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Whether it starts on (default off). */
    public Builder initiallyOn(boolean on) {
      this.initiallyOn = on;
      return this;
    }

    /** Builds the node; {@link VirtualNode#start()} opens its ports. */
    public VirtualNode build() {
      if (password.isEmpty()) {
        throw new IllegalStateException(
            "node '" + name + "': set credentials(user, password) before build()");
      }
      return new VirtualNode(this);
    }

    private Duration nonNegative(Duration d, String what) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("node '" + name + "': " + what + " must be >= 0");
      }
      return d;
    }
  }
}
