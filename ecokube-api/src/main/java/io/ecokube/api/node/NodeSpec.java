package io.ecokube.api.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A physical node as Eco-Kube manages it: identity, scheduling properties, capacity and power.
 *
 * @param name the node name (the Kubernetes Node name where there is one)
 * @param pool the pool it belongs to; pools carry minimums, caps and reserves
 * @param labels node labels, matched by pods' node selectors and affinity
 * @param taints node taints, matched by pods' tolerations
 * @param allocatable what pods can use
 * @param power how much it draws and how long it takes to boot and shut down
 * @param address the driver chain that powers it; {@link PowerAddress#UNMANAGED} keeps it on
 * @param protectedNode never powered off by Eco-Kube, whatever the policy
 * @param controlPlane a control-plane node: never powered off
 */
public record NodeSpec(
    String name,
    String pool,
    Map<String, String> labels,
    List<Taint> taints,
    Resources allocatable,
    PowerProfile power,
    PowerAddress address,
    boolean protectedNode,
    boolean controlPlane) {

  /** Validates and copies. */
  public NodeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pool, "pool");
    if (name.isBlank()) {
      throw new IllegalArgumentException("node name must not be blank");
    }
    if (pool.isBlank()) {
      throw new IllegalArgumentException("node '" + name + "': pool must not be blank");
    }
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    taints = List.copyOf(Objects.requireNonNull(taints, "taints"));
    Objects.requireNonNull(allocatable, "allocatable");
    Objects.requireNonNull(power, "power");
    Objects.requireNonNull(address, "address");
  }

  /** Whether Eco-Kube may ever power this node off (managed, not protected, not control plane). */
  public boolean powerManageable() {
    return address.managed() && !protectedNode && !controlPlane;
  }

  /** Starts a builder for a node with the given name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder initialised from this node, for changing a few fields. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.pool = pool;
    b.labels.putAll(labels);
    b.taints.addAll(taints);
    b.allocatable = allocatable;
    b.power = power;
    b.address = address;
    b.protectedNode = protectedNode;
    b.controlPlane = controlPlane;
    return b;
  }

  /** Builds a {@link NodeSpec}; defaults: pool {@code default}, no labels or taints, unmanaged. */
  public static final class Builder {
    private final String name;
    private String pool = "default";
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Taint> taints = new ArrayList<>();
    private Resources allocatable = Resources.ZERO;
    private PowerProfile power = PowerProfile.typicalServer();
    private PowerAddress address = PowerAddress.UNMANAGED;
    private boolean protectedNode;
    private boolean controlPlane;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Sets the pool. */
    public Builder pool(String pool) {
      this.pool = pool;
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** Adds labels. */
    public Builder labels(Map<String, String> more) {
      labels.putAll(more);
      return this;
    }

    /** Adds a taint. */
    public Builder taint(Taint taint) {
      taints.add(taint);
      return this;
    }

    /** Sets the allocatable resources. */
    public Builder allocatable(Resources allocatable) {
      this.allocatable = allocatable;
      return this;
    }

    /** Sets the power profile. */
    public Builder power(PowerProfile power) {
      this.power = power;
      return this;
    }

    /** Sets the driver chain. */
    public Builder address(PowerAddress address) {
      this.address = address;
      return this;
    }

    /** Marks the node protected (never powered off). */
    public Builder protectedNode(boolean value) {
      this.protectedNode = value;
      return this;
    }

    /** Marks the node as control plane (never powered off). */
    public Builder controlPlane(boolean value) {
      this.controlPlane = value;
      return this;
    }

    /** Builds and validates. */
    public NodeSpec build() {
      return new NodeSpec(
          name, pool, labels, taints, allocatable, power, address, protectedNode, controlPlane);
    }
  }
}
