package io.ecokube.kubernetes.crd;

/** The custom resources Eco-Kube defines, all namespaced, in group {@value #GROUP}. */
public enum ResourceKind {
  /** Nodes by label selector, their power chain and warm minimum. */
  NODE_POOL("NodePool", "nodepools"),
  /** A power cap (cluster or pool), carbon-aware deferral, the wake order. */
  POWER_POLICY("PowerPolicy", "powerpolicies"),
  /** The cost budget, the tariff, the grid's carbon intensity. */
  COST_POLICY("CostPolicy", "costpolicies");

  /** The API group. */
  public static final String GROUP = "ecokube.io";

  /** The served and stored version. */
  public static final String VERSION = "v1alpha1";

  private final String kind;
  private final String plural;

  ResourceKind(String kind, String plural) {
    this.kind = kind;
    this.plural = plural;
  }

  /** The kind as written in manifests, e.g. {@code NodePool}. */
  public String kind() {
    return kind;
  }

  /** The resource name in URLs and RBAC rules, e.g. {@code nodepools}. */
  public String plural() {
    return plural;
  }

  /** {@code ecokube.io/v1alpha1}. */
  public static String apiVersion() {
    return GROUP + "/" + VERSION;
  }
}
