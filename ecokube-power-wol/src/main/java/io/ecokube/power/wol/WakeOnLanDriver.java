package io.ecokube.power.wol;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Sleeper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes one node by sending Wake-on-LAN magic packets over UDP. Wake only: it cannot power off or
 * read state, and returning from {@link #powerOn()} means the packets left this host, not that the
 * machine booted (the engine confirms a wake by the node becoming Ready).
 *
 * <p>WoL is lossy, so a wake sends the packet {@code repeat} times, {@code interval} apart. The
 * pauses are real waits on the calling thread (this is real I/O; the settings bound the total to
 * {@code repeat x interval}, at most 20 x 5 s).
 */
public final class WakeOnLanDriver implements PowerDriver {
  private static final Logger LOG = LoggerFactory.getLogger(WakeOnLanDriver.class);

  private final String node;
  private final WolSettings settings;
  // Waits between repeats; tests substitute a recorder so they never depend on sleeping.
  private final Sleeper pauser;
  private final byte[] packet;
  private volatile boolean closed;

  WakeOnLanDriver(String node, WolSettings settings, Sleeper pauser) {
    this.node = node;
    this.settings = settings;
    this.pauser = pauser;
    this.packet = MagicPacket.build(settings.mac(), settings.password());
  }

  @Override
  public String name() {
    return WakeOnLanDriverProvider.NAME;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return Set.of(PowerCapability.POWER_ON);
  }

  @Override
  public void powerOn() throws PowerException {
    if (closed) {
      throw configuration("this driver is closed; the engine builds a new one after a reload");
    }
    InetAddress target = resolve(settings.address(), WolSettings.ADDRESS);
    try (DatagramSocket socket = new DatagramSocket(bindAddress())) {
      socket.setBroadcast(true);
      DatagramPacket datagram = new DatagramPacket(packet, packet.length, target, settings.port());
      for (int i = 0; i < settings.repeat(); i++) {
        if (i > 0) {
          pauser.sleep(settings.interval());
        }
        socket.send(datagram);
      }
    } catch (IOException e) {
      throw new PowerException(
          PowerException.Kind.UNREACHABLE,
          node,
          endpoint(),
          "cannot send the magic packet ("
              + e.getMessage()
              + "); check the address, port and source settings and that this host has a route"
              + " to that network",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerException(
          PowerException.Kind.TIMEOUT, node, endpoint(), "interrupted while sending", e);
    }
    LOG.info(
        "Sent {} magic packet(s) for {} to {} (node '{}')",
        settings.repeat(),
        settings.mac(),
        endpoint(),
        node);
  }

  private InetSocketAddress bindAddress() throws PowerException {
    if (settings.sourceAddress().isPresent()) {
      return new InetSocketAddress(
          resolve(settings.sourceAddress().get(), WolSettings.SOURCE_ADDRESS), 0);
    }
    if (settings.sourceInterface().isPresent()) {
      String name = settings.sourceInterface().get();
      try {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
          throw configuration(
              "source-interface '"
                  + name
                  + "' does not exist on this host; list them with 'ip link'");
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return new InetSocketAddress(a, 0);
          }
        }
        throw configuration("source-interface '" + name + "' has no IPv4 address to send from");
      } catch (SocketException e) {
        throw configuration("cannot read interface '" + name + "': " + e.getMessage());
      }
    }
    return new InetSocketAddress(0);
  }

  private InetAddress resolve(String host, String key) throws PowerException {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw configuration(
          key + " '" + host + "' cannot be resolved; check the name or use an IP address");
    }
  }

  private PowerException configuration(String detail) {
    return new PowerException(PowerException.Kind.CONFIGURATION, node, endpoint(), detail);
  }

  private String endpoint() {
    String host =
        settings.address().contains(":") ? "[" + settings.address() + "]" : settings.address();
    return "udp://" + host + ":" + settings.port();
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    throw new PowerException(
        PowerException.Kind.UNSUPPORTED,
        node,
        endpoint(),
        "Wake-on-LAN can only wake a machine; configure ssh, ipmi or redfish to power it off");
  }

  @Override
  public PowerState readState() throws PowerException {
    throw new PowerException(
        PowerException.Kind.UNSUPPORTED,
        node,
        endpoint(),
        "Wake-on-LAN cannot read power state; configure ssh, ipmi or redfish to read it");
  }

  @Override
  public String toString() {
    return "WakeOnLanDriver[node=" + node + ", mac=" + settings.mac() + ", " + endpoint() + "]";
  }

  /** Later calls fail: a closed driver belongs to a config that was replaced. */
  @Override
  public void close() {
    closed = true;
  }
}
