package io.ecokube.kubernetes;

import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Classifies a Kubernetes pod for the engine: what kind it is, what it needs from a node, and
 * whether a drain may evict it. A pure function of the pod and whether a PodDisruptionBudget covers
 * it.
 *
 * <p>Eviction rules, first match wins: {@code karpenter.sh/do-not-disrupt=true} or {@code
 * ecokube.io/do-not-disrupt=true} block; {@code
 * cluster-autoscaler.kubernetes.io/safe-to-evict=true} or {@code ecokube.io/safe-to-evict=true}
 * allow; {@code cluster-autoscaler.kubernetes.io/safe-to-evict=false} blocks; an emptyDir volume, a
 * bare pod without a controller, and a kube-system pod without a PodDisruptionBudget block.
 */
public final class PodClassifier {
  private PodClassifier() {}

  /**
   * Whether the scheduler has tried this pod and found no node: condition {@code
   * PodScheduled=False} with reason {@code Unschedulable}, and no node bound.
   */
  public static boolean isUnschedulable(V1Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      return false;
    }
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (V1PodCondition c : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType())
          && "False".equals(c.getStatus())
          && "Unschedulable".equals(c.getReason())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the pod belongs in a snapshot: bound to a node, or unschedulable. An unbound pod the
   * scheduler has not tried yet is not demand: it may well fit on a node that is on.
   */
  public static boolean isRelevant(V1Pod pod) {
    boolean bound = pod.getSpec() != null && pod.getSpec().getNodeName() != null;
    return bound || isUnschedulable(pod);
  }

  /**
   * Classifies a pod.
   *
   * @param pod the pod
   * @param coveredByPdb whether a PodDisruptionBudget in its namespace selects it
   */
  public static PodInfo classify(V1Pod pod, boolean coveredByPdb) {
    var meta = pod.getMetadata();
    if (meta == null || meta.getName() == null) {
      throw new IllegalArgumentException("pod without metadata.name cannot be classified");
    }
    String namespace = meta.getNamespace() == null ? "default" : meta.getNamespace();
    Map<String, String> annotations =
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    V1PodSpec spec = pod.getSpec() == null ? new V1PodSpec() : pod.getSpec();
    Optional<V1OwnerReference> controller = controllerOf(pod);
    PodKind kind;
    if (annotations.containsKey(EcoKubeKeys.MIRROR_POD)) {
      kind = PodKind.MIRROR;
    } else if (controller.isPresent() && "DaemonSet".equals(controller.get().getKind())) {
      kind = PodKind.DAEMONSET;
    } else {
      kind = PodKind.WORKLOAD;
    }
    PodPhase phase = phaseOf(pod);
    Optional<WorkloadRef> owner =
        controller.map(o -> new WorkloadRef(namespace, o.getKind(), o.getName()));
    Optional<String> blocker =
        kind == PodKind.WORKLOAD && phase.active()
            ? evictionBlocker(namespace, annotations, spec, controller.isPresent(), coveredByPdb)
            : Optional.empty();
    return new PodInfo(
        namespace,
        meta.getName(),
        kind,
        phase,
        Optional.ofNullable(spec.getNodeName()),
        scheduling(spec),
        owner,
        spec.getPriority() == null ? 0 : spec.getPriority(),
        blocker);
  }

  /** The pod's controlling owner reference, if any. */
  static Optional<V1OwnerReference> controllerOf(V1Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return pod.getMetadata().getOwnerReferences().stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        .findFirst();
  }

  static PodPhase phaseOf(V1Pod pod) {
    String p = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (p == null) {
      return PodPhase.PENDING;
    }
    return switch (p) {
      case "Succeeded" -> PodPhase.SUCCEEDED;
      case "Failed" -> PodPhase.FAILED;
      case "Pending" -> PodPhase.PENDING;
      // Running, and Unknown (node unreachable): treat as occupying the node.
      default -> PodPhase.RUNNING;
    };
  }

  private static Optional<String> evictionBlocker(
      String namespace,
      Map<String, String> annotations,
      V1PodSpec spec,
      boolean hasController,
      boolean coveredByPdb) {
    if (isTrue(annotations, EcoKubeKeys.KARPENTER_DO_NOT_DISRUPT)) {
      return Optional.of("annotated " + EcoKubeKeys.KARPENTER_DO_NOT_DISRUPT + "=true");
    }
    if (isTrue(annotations, EcoKubeKeys.DO_NOT_DISRUPT)) {
      return Optional.of("annotated " + EcoKubeKeys.DO_NOT_DISRUPT + "=true");
    }
    if (isTrue(annotations, EcoKubeKeys.CA_SAFE_TO_EVICT)
        || isTrue(annotations, EcoKubeKeys.SAFE_TO_EVICT)) {
      return Optional.empty();
    }
    if ("false".equalsIgnoreCase(annotations.get(EcoKubeKeys.CA_SAFE_TO_EVICT))) {
      return Optional.of("annotated " + EcoKubeKeys.CA_SAFE_TO_EVICT + "=false");
    }
    if (spec.getVolumes() != null) {
      for (V1Volume v : spec.getVolumes()) {
        if (v.getEmptyDir() != null) {
          return Optional.of(
              "uses local storage (emptyDir volume '"
                  + v.getName()
                  + "'); annotate "
                  + EcoKubeKeys.SAFE_TO_EVICT
                  + "=true if losing it is fine");
        }
      }
    }
    if (!hasController) {
      return Optional.of(
          "bare pod without a controller: eviction would delete it for good; annotate "
              + EcoKubeKeys.SAFE_TO_EVICT
              + "=true to allow");
    }
    if ("kube-system".equals(namespace) && !coveredByPdb) {
      return Optional.of(
          "kube-system pod without a PodDisruptionBudget; add a PDB or annotate "
              + EcoKubeKeys.SAFE_TO_EVICT
              + "=true");
    }
    return Optional.empty();
  }

  private static boolean isTrue(Map<String, String> annotations, String key) {
    return "true".equalsIgnoreCase(annotations.get(key));
  }

  /**
   * What the pod needs: the larger of its containers' summed requests and its largest init
   * container, plus pod overhead; node selector; the first term of its required node affinity
   * (terms are alternatives and the engine takes one conjunction; {@code Gt}/{@code Lt} are left
   * out, which only widens the match); tolerations.
   */
  static SchedulingRequirements scheduling(V1PodSpec spec) {
    Resources sum = Resources.ZERO;
    if (spec.getContainers() != null) {
      for (V1Container c : spec.getContainers()) {
        sum = sum.plus(requests(c));
      }
    }
    if (spec.getInitContainers() != null) {
      for (V1Container c : spec.getInitContainers()) {
        Resources r = requests(c);
        sum =
            new Resources(
                Math.max(sum.cpuMillis(), r.cpuMillis()),
                Math.max(sum.memoryBytes(), r.memoryBytes()),
                Math.max(sum.gpus(), r.gpus()),
                0);
      }
    }
    sum = sum.plus(Quantities.of(spec.getOverhead(), 0));
    Resources requests = new Resources(sum.cpuMillis(), sum.memoryBytes(), sum.gpus(), 1);
    Map<String, String> selector =
        spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
    return new SchedulingRequirements(
        requests, selector, requiredAffinity(spec), tolerations(spec.getTolerations()));
  }

  private static Resources requests(V1Container c) {
    if (c.getResources() == null) {
      return Resources.ZERO;
    }
    // A container with limits but no requests gets requests equal to its limits.
    var req = c.getResources().getRequests();
    if (req == null || req.isEmpty()) {
      req = c.getResources().getLimits();
    }
    return Quantities.of(req, 0);
  }

  private static List<NodeSelectorRequirement> requiredAffinity(V1PodSpec spec) {
    if (spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return List.of();
    }
    List<V1NodeSelectorTerm> terms =
        spec.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    if (terms == null || terms.isEmpty() || terms.get(0).getMatchExpressions() == null) {
      return List.of();
    }
    List<NodeSelectorRequirement> out = new ArrayList<>();
    for (V1NodeSelectorRequirement r : terms.get(0).getMatchExpressions()) {
      NodeSelectorRequirement.Operator op =
          switch (r.getOperator()) {
            case "In" -> NodeSelectorRequirement.Operator.IN;
            case "NotIn" -> NodeSelectorRequirement.Operator.NOT_IN;
            case "Exists" -> NodeSelectorRequirement.Operator.EXISTS;
            case "DoesNotExist" -> NodeSelectorRequirement.Operator.DOES_NOT_EXIST;
            default -> null;
          };
      if (op != null) {
        out.add(
            new NodeSelectorRequirement(
                r.getKey(), op, new HashSet<>(r.getValues() == null ? List.of() : r.getValues())));
      }
    }
    return out;
  }

  static List<Toleration> tolerations(List<V1Toleration> list) {
    if (list == null) {
      return List.of();
    }
    List<Toleration> out = new ArrayList<>();
    for (V1Toleration t : list) {
      Optional<String> key =
          t.getKey() == null || t.getKey().isEmpty() ? Optional.empty() : Optional.of(t.getKey());
      Toleration.Operator op =
          "Exists".equals(t.getOperator()) || key.isEmpty()
              ? Toleration.Operator.EXISTS
              : Toleration.Operator.EQUAL;
      out.add(
          new Toleration(
              key,
              op,
              t.getValue() == null ? "" : t.getValue(),
              Optional.ofNullable(t.getEffect()).map(NodeMapper::effect)));
    }
    return out;
  }

  /** Taint effect names as Kubernetes spells them. */
  static String effectName(TaintEffect e) {
    return switch (e) {
      case NO_SCHEDULE -> "NoSchedule";
      case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
      case NO_EXECUTE -> "NoExecute";
    };
  }
}
