package io.ecokube.api.node;

import java.util.List;
import java.util.Objects;

/**
 * How to reach a node's power: an ordered chain of drivers. For each operation the engine tries, in
 * order, the drivers that can do it, so {@code [wol, ssh, ipmi]} wakes with Wake-on-LAN and falls
 * back to IPMI, and powers off over SSH and falls back to IPMI soft, then hard. An empty chain
 * means the node's power is not managed (it stays on).
 *
 * @param chain the drivers, in order of preference
 */
public record PowerAddress(List<DriverSpec> chain) {
  /** No drivers: an unmanaged node. */
  public static final PowerAddress UNMANAGED = new PowerAddress(List.of());

  /** Copies the chain. */
  public PowerAddress {
    chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
  }

  /** Whether the node's power is managed at all. */
  public boolean managed() {
    return !chain.isEmpty();
  }
}
