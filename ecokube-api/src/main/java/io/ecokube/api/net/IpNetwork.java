package io.ecokube.api.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP network in CIDR notation ({@code 10.1.0.0/24}, {@code fd00::/64}). Parsing never asks a
 * resolver: a network or address given as a name is refused, because whoever controls DNS could
 * then steer it.
 *
 * @param base the network address
 * @param prefix the prefix length
 */
public record IpNetwork(InetAddress base, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Validates the prefix against the address family. */
  public IpNetwork {
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
  public static IpNetwork parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "network '" + cidr + "' must be a CIDR such as 10.1.0.0/24");
    }
    InetAddress base =
        literal(cidr.substring(0, slash))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "network '" + cidr + "' must start with an IP literal, not a name"));
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "network '" + cidr + "' has no numeric prefix length after '/'");
    }
    try {
      return new IpNetwork(base, prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network '" + cidr + "': " + e.getMessage(), e);
    }
  }

  /**
   * An IP literal as an address, never a name lookup: a hint that needed DNS could be redirected by
   * whoever controls the resolver.
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

  /** Whether this is an IPv4 network. */
  public boolean ipv4() {
    return base.getAddress().length == 4;
  }

  /** The network as {@code address/prefix}. */
  @Override
  public String toString() {
    return base.getHostAddress() + "/" + prefix;
  }
}
