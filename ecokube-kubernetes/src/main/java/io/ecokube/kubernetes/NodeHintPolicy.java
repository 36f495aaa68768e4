package io.ecokube.kubernetes;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

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
public record NodeHintPolicy(boolean acceptMac, List<Network> bmcNetworks) {
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
    private final List<Network> bmcNetworks = new ArrayList<>();

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
      bmcNetworks.add(Network.parse(cidr));
      return this;
    }

    /** The policy. */
    public NodeHintPolicy build() {
      return new NodeHintPolicy(acceptMac, bmcNetworks);
    }
  }

  /**
   * An IP network.
   *
   * @param base the network address
   * @param prefix the prefix length
   */
  public record Network(InetAddress base, int prefix) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Validates the prefix against the address family. */
    public Network {
      int bits = base.getAddress().length * 8;
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException(
            "network prefix /" + prefix + " must be between 0 and " + bits);
      }
    }

    /**
     * Parses {@code address/prefix}.
     *
     * @throws IllegalArgumentException naming the value and what is expected
     */
    public static Network parse(String cidr) {
      int slash = cidr.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException(
            "BMC network '" + cidr + "' must be a CIDR such as 10.1.0.0/24");
      }
      InetAddress base =
          literal(cidr.substring(0, slash))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "BMC network '" + cidr + "' must start with an IP literal, not a name"));
      int prefix;
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "BMC network '" + cidr + "' has no numeric prefix length after '/'");
      }
      try {
        return new Network(base, prefix);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("BMC network '" + cidr + "': " + e.getMessage(), e);
      }
    }

    /**
     * An IP literal as an address, never a name lookup: a hint that needed DNS could be redirected
     * by whoever controls the resolver.
     */
    public static Optional<InetAddress> literal(String s) {
      try {
        if (IPV4.matcher(s).matches()) {
          String[] parts = s.split("\\.");
          byte[] bytes = new byte[4];
          for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
              return Optional.empty();
            }
            bytes[i] = (byte) v;
          }
          return Optional.of(InetAddress.getByAddress(bytes));
        }
        // In brackets the JDK parses an IPv6 literal or fails; it never asks a resolver.
        return IPV6.matcher(s).matches()
            ? Optional.of(InetAddress.getByName("[" + s + "]"))
            : Optional.empty();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }

    /** Whether the address lies in this network. */
    public boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      byte[] b = base.getAddress();
      if (a.length != b.length) {
        return false;
      }
      int bits = a.length * 8;
      BigInteger mask =
          BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
      return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
    }
  }
}
