package io.ecokube.kubernetes;

/**
 * The labels, annotations and taints Eco-Kube reads and writes on Kubernetes objects, and the
 * Cluster Autoscaler and Karpenter ones it honours. The module README explains each.
 */
public final class EcoKubeKeys {
  private EcoKubeKeys() {}

  /** Node label: the Eco-Kube pool the node belongs to (overrides the config file's pool). */
  public static final String POOL = "ecokube.io/pool";

  /**
   * Node annotation once used for the driver chain; now refused and reported (drivers come from the
   * config file only, see {@link NodeMapper}).
   */
  public static final String POWER_DRIVERS = "ecokube.io/power-drivers";

  /**
   * Node annotation prefix once used for driver settings ({@code
   * ecokube.io/power.<driver>.<setting>}); now refused and reported, never read.
   */
  public static final String POWER_SETTING_PREFIX = "ecokube.io/power.";

  /** Node annotation: the MAC address, given to a configured {@code wol} driver as {@code mac}. */
  public static final String MAC = "ecokube.io/mac";

  /**
   * Node annotation: the BMC address (an IP literal), given to configured {@code ipmi} drivers as
   * {@code host} and to {@code redfish} as the endpoint's host, only inside a network the {@link
   * NodeHintPolicy} allows.
   */
  public static final String BMC_ADDRESS = "ecokube.io/bmc-address";

  /**
   * Node annotation an operator sets to release a node from maintenance (any value). The controller
   * removes it, with {@link #MAINTENANCE}, once it has let the node out.
   */
  public static final String MAINTENANCE_CLEAR = "ecokube.io/maintenance-clear";

  /**
   * Node annotation the controller writes while it holds the node in maintenance: why (the failed
   * cycles and the last error). Removed when an operator clears the maintenance.
   */
  public static final String MAINTENANCE = "ecokube.io/maintenance";

  /** Node annotation the controller writes with {@link #MAINTENANCE}: since when (ISO-8601). */
  public static final String MAINTENANCE_SINCE = "ecokube.io/maintenance-since";

  /** Node annotation {@code "true"}: never power this node off. */
  public static final String PROTECTED = "ecokube.io/protected";

  /** Node annotation: the persisted {@code NodeRecord} as JSON. */
  public static final String POWER_STATE = "ecokube.io/power-state";

  /** Node annotation set while Eco-Kube keeps the node off: the instant it was marked. */
  public static final String POWERED_OFF_AT = "ecokube.io/powered-off-at";

  /** Taint key (effect NoSchedule) on a node Eco-Kube powered off. */
  public static final String POWERED_OFF_TAINT = "ecokube.io/powered-off";

  /** Pod annotation {@code "true"}: a drain may evict this pod whatever else blocks it. */
  public static final String SAFE_TO_EVICT = "ecokube.io/safe-to-evict";

  /** Pod annotation {@code "true"}: never evict this pod; its node stays on. */
  public static final String DO_NOT_DISRUPT = "ecokube.io/do-not-disrupt";

  /** Cluster Autoscaler's pod annotation; {@code "true"} or {@code "false"}. */
  public static final String CA_SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

  /** Cluster Autoscaler's node annotation {@code "true"}: the node is never scaled down. */
  public static final String CA_SCALE_DOWN_DISABLED =
      "cluster-autoscaler.kubernetes.io/scale-down-disabled";

  /** Karpenter's annotation {@code "true"} on a pod or node: do not disrupt it. */
  public static final String KARPENTER_DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt";

  /** The kubelet's annotation on a mirror (static) pod. */
  public static final String MIRROR_POD = "kubernetes.io/config.mirror";

  /** Label on objects Eco-Kube creates. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY} on Eco-Kube's objects. */
  public static final String MANAGED_BY_VALUE = "ecokube";

  /** Label on task worker pods: the task they belong to. */
  public static final String TASK_ID = "ecokube.io/task-id";

  /** Label marking a control-plane node. */
  public static final String CONTROL_PLANE_ROLE = "node-role.kubernetes.io/control-plane";
}
