package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Affinity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1NodeAffinity;
import io.kubernetes.client.openapi.models.V1NodeSelector;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1NodeSelectorTerm;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodClassifierTest {

  private static V1Pod pod(String ns, String ownerKind, Map<String, String> annotations) {
    V1ObjectMeta m =
        new V1ObjectMeta().name("p").namespace(ns).annotations(new HashMap<>(annotations));
    if (ownerKind != null) {
      m.ownerReferences(
          List.of(new V1OwnerReference().kind(ownerKind).name("owner").uid("u").controller(true)));
    }
    return new V1Pod()
        .metadata(m)
        .spec(new V1PodSpec().nodeName("n1").containers(List.of(new V1Container().name("c"))))
        .status(new V1PodStatus().phase("Running"));
  }

  @Test
  void daemonSetAndMirrorPodsAreNotWork() {
    PodInfo ds = PodClassifier.classify(pod("default", "DaemonSet", Map.of()), false);
    assertThat(ds.kind()).isEqualTo(PodKind.DAEMONSET);
    assertThat(ds.isWorkOnNode()).isFalse();
    PodInfo mirror =
        PodClassifier.classify(
            pod("kube-system", "Node", Map.of(EcoKubeKeys.MIRROR_POD, "abc")), false);
    assertThat(mirror.kind()).isEqualTo(PodKind.MIRROR);
    assertThat(mirror.evictionBlocker()).isEmpty();
    PodInfo rs = PodClassifier.classify(pod("default", "ReplicaSet", Map.of()), false);
    assertThat(rs.kind()).isEqualTo(PodKind.WORKLOAD);
    assertThat(rs.isWorkOnNode()).isTrue();
    assertThat(rs.owner().get().kind()).isEqualTo("ReplicaSet");
    assertThat(rs.evictionBlocker()).isEmpty();
  }

  @Test
  void blockers() {
    assertThat(PodClassifier.classify(pod("default", null, Map.of()), false).evictionBlocker())
        .hasValueSatisfying(b -> assertThat(b).contains("bare pod"));
    assertThat(
            PodClassifier.classify(pod("kube-system", "ReplicaSet", Map.of()), false)
                .evictionBlocker())
        .hasValueSatisfying(b -> assertThat(b).contains("kube-system"));
    assertThat(
            PodClassifier.classify(pod("kube-system", "ReplicaSet", Map.of()), true)
                .evictionBlocker())
        .isEmpty();
    V1Pod local = pod("default", "ReplicaSet", Map.of());
    local
        .getSpec()
        .volumes(List.of(new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource())));
    assertThat(PodClassifier.classify(local, false).evictionBlocker())
        .hasValueSatisfying(b -> assertThat(b).contains("emptyDir volume 'tmp'"));
    assertThat(
            PodClassifier.classify(
                    pod("default", "ReplicaSet", Map.of(EcoKubeKeys.CA_SAFE_TO_EVICT, "false")),
                    false)
                .evictionBlocker())
        .isPresent();
  }

  @Test
  void safeToEvictAnnotationsLiftBlockersButDoNotDisruptWins() {
    V1Pod local = pod("default", null, Map.of(EcoKubeKeys.CA_SAFE_TO_EVICT, "true"));
    local
        .getSpec()
        .volumes(List.of(new V1Volume().name("tmp").emptyDir(new V1EmptyDirVolumeSource())));
    assertThat(PodClassifier.classify(local, false).evictionBlocker()).isEmpty();
    assertThat(
            PodClassifier.classify(
                    pod("kube-system", null, Map.of(EcoKubeKeys.SAFE_TO_EVICT, "true")), false)
                .evictionBlocker())
        .isEmpty();
    assertThat(
            PodClassifier.classify(
                    pod(
                        "default",
                        "ReplicaSet",
                        Map.of(
                            EcoKubeKeys.KARPENTER_DO_NOT_DISRUPT,
                            "true",
                            EcoKubeKeys.SAFE_TO_EVICT,
                            "true")),
                    false)
                .evictionBlocker())
        .hasValueSatisfying(b -> assertThat(b).contains("karpenter.sh/do-not-disrupt"));
    assertThat(
            PodClassifier.classify(
                    pod("default", "ReplicaSet", Map.of(EcoKubeKeys.DO_NOT_DISRUPT, "true")), false)
                .evictionBlocker())
        .isPresent();
  }

  @Test
  void finishedPodsNeverBlock() {
    V1Pod done = pod("default", null, Map.of());
    done.getStatus().phase("Succeeded");
    PodInfo info = PodClassifier.classify(done, false);
    assertThat(info.phase()).isEqualTo(PodPhase.SUCCEEDED);
    assertThat(info.evictionBlocker()).isEmpty();
  }

  @Test
  void pendingPodRequirements() {
    V1Pod p =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("job").namespace("batch"))
            .spec(
                new V1PodSpec()
                    .containers(
                        List.of(container("500m", "1Gi", null), container("1500m", "512Mi", "1")))
                    .initContainers(List.of(container("3", "100Mi", null)))
                    .nodeSelector(Map.of("disk", "ssd"))
                    .affinity(
                        new V1Affinity()
                            .nodeAffinity(
                                new V1NodeAffinity()
                                    .requiredDuringSchedulingIgnoredDuringExecution(
                                        new V1NodeSelector()
                                            .nodeSelectorTerms(
                                                List.of(
                                                    new V1NodeSelectorTerm()
                                                        .matchExpressions(
                                                            List.of(
                                                                req("zone", "In", "a", "b"),
                                                                req("old", "NotIn", "x"),
                                                                req("gpu", "Exists"),
                                                                req("spot", "DoesNotExist"),
                                                                req("cores", "Gt", "4"))))))))
                    .tolerations(
                        List.of(
                            new V1Toleration()
                                .key("dedicated")
                                .operator("Equal")
                                .value("batch")
                                .effect("NoSchedule"),
                            new V1Toleration().key("flaky").operator("Exists"))))
            .status(
                new V1PodStatus()
                    .phase("Pending")
                    .conditions(
                        List.of(
                            new V1PodCondition()
                                .type("PodScheduled")
                                .status("False")
                                .reason("Unschedulable"))));
    assertThat(PodClassifier.isUnschedulable(p)).isTrue();
    PodInfo info = PodClassifier.classify(p, false);
    assertThat(info.unscheduled()).isTrue();
    var r = info.scheduling().requests();
    // Init container (3 CPU) dominates the CPU sum (2 CPU); memory sums to 1.5 GiB.
    assertThat(r.cpuMillis()).isEqualTo(3000);
    assertThat(r.memoryBytes()).isEqualTo(1536L * 1024 * 1024);
    assertThat(r.gpus()).isEqualTo(1);
    assertThat(r.pods()).isEqualTo(1);
    assertThat(info.scheduling().nodeSelector()).containsEntry("disk", "ssd");
    assertThat(info.scheduling().requiredAffinity())
        .extracting(NodeSelectorRequirement::operator)
        .containsExactly(
            NodeSelectorRequirement.Operator.IN,
            NodeSelectorRequirement.Operator.NOT_IN,
            NodeSelectorRequirement.Operator.EXISTS,
            NodeSelectorRequirement.Operator.DOES_NOT_EXIST);

    NodeSpec fits =
        NodeSpec.builder("n")
            .labels(Map.of("disk", "ssd", "zone", "b", "gpu", "yes"))
            .taint(new Taint("dedicated", "batch", TaintEffect.NO_SCHEDULE))
            .taint(new Taint("flaky", "", TaintEffect.NO_EXECUTE))
            .build();
    assertThat(info.scheduling().admits(fits)).isTrue();
    assertThat(info.scheduling().admits(fits.toBuilder().label("spot", "1").build())).isFalse();
    assertThat(info.scheduling().admits(fits.toBuilder().label("zone", "c").build())).isFalse();
    assertThat(
            info.scheduling()
                .admits(
                    fits.toBuilder()
                        .taint(new Taint("other", "", TaintEffect.NO_SCHEDULE))
                        .build()))
        .isFalse();
  }

  @Test
  void unboundPodNotYetTriedByTheSchedulerIsNotDemand() {
    V1Pod p =
        new V1Pod()
            .metadata(new V1ObjectMeta().name("new").namespace("default"))
            .spec(new V1PodSpec())
            .status(new V1PodStatus().phase("Pending"));
    assertThat(PodClassifier.isRelevant(p)).isFalse();
    p.getSpec().nodeName("n1");
    assertThat(PodClassifier.isRelevant(p)).isTrue();
    assertThat(PodClassifier.isUnschedulable(p)).isFalse();
  }

  private static V1Container container(String cpu, String mem, String gpu) {
    Map<String, Quantity> req = new HashMap<>();
    req.put("cpu", Quantity.fromString(cpu));
    req.put("memory", Quantity.fromString(mem));
    if (gpu != null) {
      req.put("nvidia.com/gpu", Quantity.fromString(gpu));
    }
    return new V1Container().name("c").resources(new V1ResourceRequirements().requests(req));
  }

  private static V1NodeSelectorRequirement req(String key, String op, String... values) {
    V1NodeSelectorRequirement r = new V1NodeSelectorRequirement().key(key).operator(op);
    if (values.length > 0) {
      r.values(List.of(values));
    }
    return r;
  }
}
