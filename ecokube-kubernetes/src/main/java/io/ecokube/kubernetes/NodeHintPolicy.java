package io.ecokube.kubernetes;

import io.ecokube.api.net.IpNetwork;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which hints a Node object may give about its own power control. Power configuration (drivers,
 * their settings, secrets, commands, verification switches) comes only from the config file; a Node
 * may at most say its MAC address and, when the config allows a network for it, its BMC address.
 *
 * <p>Whoever may patch Nodes, and every node's kubelet for its own Node, can write these
 * annotations, so a hint is accepted only when it cannot point the controller anywhere an
 * administrator did not allow: a MAC only reaches a configured {@code wol} driver (a stray magic
 * packet wakes at most a machine on the same segment), and a BMC address only an IP literal inside
 * one of {@link #bmcNetworks()}.
 *
 * @param acceptMac whether {@code ecokube.io/mac} is used
 * @param bmcNetworks the networks (CIDR) a {@code ecokube.io/bmc-address} must lie in; empty: the
 *     annotation is refused
 */
public record NodeHintPolicy(boolean acceptMac, List<IpNetwork> bmcNetworks) {
  /** MAC hints accepted, BMC address hints refused. */
  public static final NodeHintPolicy DEFAULT = builder().build();

  /** Copies the list. */
  public NodeHintPolicy {
    bmcNetworks = List.copyOf(bmcNetworks);
  }

  /** A builder starting from {@link #DEFAULT}'s settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the address lies in one of the allowed BMC networks. */
  public boolean bmcAllowed(InetAddress address) {
    return bmcNetworks.stream().anyMatch(n -> n.contains(address));
  }

  /** Builds a {@link NodeHintPolicy}. */
  public static final class Builder {
    private boolean acceptMac = true;
    private final List<IpNetwork> bmcNetworks = new ArrayList<>();

    private Builder() {}

    /** Whether {@code ecokube.io/mac} is used (default: yes). */
    public Builder acceptMac(boolean accept) {
      this.acceptMac = accept;
      return this;
    }

    /**
     * Allows BMC address hints inside a network.
     *
     * @param cidr an IPv4 or IPv6 network such as {@code 10.1.0.0/24}
     * @throws IllegalArgumentException naming the value when it is not a CIDR
     */
    public Builder allowBmcNetwork(String cidr) {
      try {
        bmcNetworks.add(IpNetwork.parse(cidr));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("BMC " + e.getMessage(), e);
      }
      return this;
    }

    /** The policy. */
    public NodeHintPolicy build() {
      return new NodeHintPolicy(acceptMac, bmcNetworks);
    }
  }
}
