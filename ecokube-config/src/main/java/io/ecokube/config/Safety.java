package io.ecokube.config;

import io.ecokube.api.net.IpNetwork;
import java.util.List;
import java.util.Objects;

/**
 * The {@code safety} section: the limits that keep the controller from harming the cluster it runs
 * in, each with the engine's and the Kubernetes adapter's historical default.
 *
 * @param maintenanceAfter failed cycles (a quarantine without a working cycle in between) after
 *     which a node is held in maintenance until an operator clears it
 * @param maxUnreadyPercent the cluster-health breaker: no scale-down while more than this share of
 *     the nodes is unready (and more than {@code okUnreadyCount})
 * @param okUnreadyCount unready nodes tolerated whatever the share
 * @param acceptMacHint whether a Node's {@code ecokube.io/mac} annotation is used
 * @param bmcNetworks the networks a Node's {@code ecokube.io/bmc-address} annotation must lie in;
 *     empty: the annotation is refused
 */
public record Safety(
    int maintenanceAfter,
    double maxUnreadyPercent,
    int okUnreadyCount,
    boolean acceptMacHint,
    List<IpNetwork> bmcNetworks) {
  /** The defaults: maintenance after 3 failed cycles, 45 % / 3 unready, MAC hints, no BMC hints. */
  public static final Safety DEFAULT = new Safety(3, 45, 3, true, List.of());

  /** Validates and copies. */
  public Safety {
    if (maintenanceAfter < 1) {
      throw new IllegalArgumentException(
          "maintenanceAfter must be >= 1 failed cycles, got " + maintenanceAfter);
    }
    if (!(maxUnreadyPercent >= 0 && maxUnreadyPercent <= 100)) {
      throw new IllegalArgumentException(
          "maxUnreadyPercent must be between 0 and 100, got " + maxUnreadyPercent);
    }
    if (okUnreadyCount < 0) {
      throw new IllegalArgumentException("okUnreadyCount must be >= 0, got " + okUnreadyCount);
    }
    bmcNetworks = List.copyOf(Objects.requireNonNull(bmcNetworks, "bmcNetworks"));
  }

  /** {@link #maxUnreadyPercent()} as a share in [0, 1], as the engine takes it. */
  public double maxUnreadyShare() {
    return maxUnreadyPercent / 100;
  }
}
