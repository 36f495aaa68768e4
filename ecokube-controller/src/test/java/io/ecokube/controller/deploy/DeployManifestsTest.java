package io.ecokube.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PriorityClass;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.util.ModelMapper;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.dynamic.Dynamics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders the kustomize base and every overlay in {@code deploy/} with {@code kubectl kustomize}
 * and parses each object with the official Kubernetes client's models: a field a model does not
 * know (a typo, a wrong level) fails, as the API server would refuse it. Then checks what makes the
 * install a hardened one, per overlay. Skipped with a message when kubectl is not installed ({@code
 * scripts/test.sh} installs it).
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final List<String> OVERLAYS =
      List.of("dry-run", "wol-host-network", "high-availability");
  private static final String NAMESPACE = "ecokube";
  private static final String TOKEN_SECRET = "ecokube-metrics-token";
  private static String kubectl;

  @BeforeAll
  static void findKubectl() {
    kubectl =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .map(dir -> Path.of(dir, "kubectl"))
            .filter(Files::isExecutable)
            .map(Path::toString)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        kubectl != null,
        "skipped: kubectl is not on the PATH, so deploy/'s kustomizations cannot be rendered;"
            + " scripts/test.sh installs it where an apt source offers the package kubectl");
    String version = run(kubectl, "version", "--client");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Kustomize Version: v(\\d+)").matcher(version);
    Assumptions.assumeTrue(
        m.find() && Integer.parseInt(m.group(1)) >= 4,
        "skipped: "
            + kubectl
            + " carries kustomize older than v4 ("
            + version.strip()
            + "); deploy/ needs kustomize 4 or newer (kubectl 1.21+)");
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(1, TimeUnit.MINUTES);
      return out;
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /**
   * One rendered object: its typed model, or a dynamic object for kinds the client has no model of.
   */
  private record Manifest(String kind, String name, Object model) {
    <T> T as(Class<T> type) {
      return type.cast(model);
    }
  }

  @Test
  void everyOverlayRendersAndEachObjectParsesWithTheClientsModels() throws Exception {
    for (String dir : kustomizations()) {
      List<Manifest> objects = render(DEPLOY.resolve(dir));
      assertThat(objects).as(dir).isNotEmpty();
      assertThat(kinds(objects))
          .as("%s renders the whole install", dir)
          .contains(
              "Namespace",
              "CustomResourceDefinition",
              "ServiceAccount",
              "ClusterRole",
              "Role",
              "ConfigMap",
              "Deployment",
              "Service",
              "PodDisruptionBudget",
              "PriorityClass",
              "NetworkPolicy");
    }
  }

  @Test
  void aMisspelledFieldIsRefusedByTheParser() {
    // What makes "parses with the models" worth something: a field no model has fails.
    String bad =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicaz: 2\n";
    assertThatThrownBy(() -> parse(bad, "test")).hasMessageContaining("replicaz");
  }

  @Test
  void theBaseIsHardened() throws Exception {
    List<Manifest> base = render(DEPLOY.resolve("base"));
    V1Deployment deployment = one(base, V1Deployment.class);
    V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    V1Container c = pod.getContainers().get(0);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    // Probes, resources.
    assertThat(c.getStartupProbe()).as("startupProbe").isNotNull();
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");

    // The restricted Pod Security profile, enforced on the namespace, with a writable /tmp.
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getHostNetwork())
        .as("hostNetwork only in the wol-host-network overlay")
        .isNotEqualTo(true);
    assertThat(mountPath(pod, c, "emptyDir")).as("a writable /tmp").isEqualTo("/tmp");
    assertThat(one(base, V1Namespace.class).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");

    // The metrics token: a Secret mounted where --metrics-token-file points.
    String tokenDir =
        pod.getVolumes().stream()
            .filter(
                v -> v.getSecret() != null && TOKEN_SECRET.equals(v.getSecret().getSecretName()))
            .map(v -> mountOf(c, v.getName()).getMountPath())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume from Secret " + TOKEN_SECRET));
    List<String> args = c.getArgs();
    assertThat(args.get(args.indexOf("--metrics-token-file") + 1)).startsWith(tokenDir + "/");

    // Off the nodes Eco-Kube powers off: those carry the pool label.
    List<V1NodeSelectorRequirement> required =
        pod
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .stream()
            .flatMap(t -> t.getMatchExpressions().stream())
            .toList();
    assertThat(required)
        .anyMatch(
            r -> r.getKey().equals(EcoKubeKeys.POOL) && r.getOperator().equals("DoesNotExist"));

    // The priority class, PDB, Service, ServiceMonitor and NetworkPolicy point at these pods.
    assertThat(one(base, V1PriorityClass.class).getMetadata().getName())
        .isEqualTo(pod.getPriorityClassName());
    V1PodDisruptionBudget pdb = one(base, V1PodDisruptionBudget.class);
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntValue())
        .isLessThan(deployment.getSpec().getReplicas());
    V1Service service = one(base, V1Service.class);
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    String portName = service.getSpec().getPorts().get(0).getName();
    assertThat(c.getPorts())
        .anyMatch(
            p ->
                p.getName()
                    .equals(service.getSpec().getPorts().get(0).getTargetPort().getStrValue()));
    DynamicKubernetesObject monitor = one(base, DynamicKubernetesObject.class);
    var spec = monitor.getRaw().getAsJsonObject("spec");
    var endpoint = spec.getAsJsonArray("endpoints").get(0).getAsJsonObject();
    assertThat(endpoint.get("port").getAsString()).isEqualTo(portName);
    assertThat(endpoint.get("path").getAsString()).isEqualTo("/metrics");
    assertThat(
            endpoint
                .getAsJsonObject("authorization")
                .getAsJsonObject("credentials")
                .get("name")
                .getAsString())
        .isEqualTo(TOKEN_SECRET);
    var monitorSelector = spec.getAsJsonObject("selector").getAsJsonObject("matchLabels");
    for (String key : monitorSelector.keySet()) {
      assertThat(service.getMetadata().getLabels())
          .containsEntry(key, monitorSelector.get(key).getAsString());
    }
    V1NetworkPolicy policy = one(base, V1NetworkPolicy.class);
    assertThat(podLabels).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());

    // Every namespaced object lives in the namespace the base creates.
    assertThat(namespaces(base)).containsOnly(NAMESPACE);
  }

  @Test
  void everyCustomResourceDefinitionInDeployCrdsIsInTheBase() throws Exception {
    Set<String> files;
    try (Stream<Path> list = Files.list(DEPLOY.resolve("crds"))) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
              .map(n -> n.substring(0, n.length() - ".yaml".length()))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> rendered =
        render(DEPLOY.resolve("base")).stream()
            .filter(m -> m.model() instanceof V1CustomResourceDefinition)
            .map(Manifest::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(rendered)
        .as("list each file of deploy/crds in deploy/crds/kustomization.yaml")
        .isEqualTo(files);
  }

  @Test
  void theDryRunOverlayPassesDryRunToRun() throws Exception {
    List<String> args = container(render(DEPLOY.resolve("overlays/dry-run"))).getArgs();
    assertThat(args.subList(0, 2)).containsExactly("run", "--dry-run");
  }

  @Test
  void theWakeOnLanOverlayUsesTheHostNetworkAndStillResolvesClusterNames() throws Exception {
    List<Manifest> objects = render(DEPLOY.resolve("overlays/wol-host-network"));
    V1PodSpec pod = one(objects, V1Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    // No Pod Security level below "privileged" admits host networking.
    assertThat(one(objects, V1Namespace.class).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
  }

  @Test
  void theHighAvailabilityOverlayRunsThreeReplicasOnDifferentNodes() throws Exception {
    List<Manifest> objects = render(DEPLOY.resolve("overlays/high-availability"));
    V1Deployment deployment = one(objects, V1Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    var antiAffinity =
        deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
    assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution())
        .anyMatch(t -> t.getTopologyKey().equals("kubernetes.io/hostname"));
    assertThat(
            one(objects, V1PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntValue())
        .isLessThan(3);
  }

  @Test
  void theComponentForClustersWithoutThePrometheusOperatorDropsOnlyTheServiceMonitor(
      @TempDir Path dir) throws Exception {
    Path own = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(
        own.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "
            + own.toRealPath().relativize(DEPLOY.resolve("base"))
            + "\ncomponents:\n  - "
            + own.toRealPath().relativize(DEPLOY.resolve("components/without-servicemonitor"))
            + "\n");
    List<Manifest> objects = render(own);
    assertThat(kinds(objects)).doesNotContain("ServiceMonitor").contains("Service", "Deployment");
  }

  @Test
  void theOptionalRbacNamesOnlyTheNamespaceTheBaseCreates() throws Exception {
    List<Manifest> optional =
        parseAll(
            Files.readString(DEPLOY.resolve("11-rbac-optional.yaml")), "11-rbac-optional.yaml");
    assertThat(namespaces(optional)).containsOnly(NAMESPACE);
    for (Manifest m : optional) {
      if (m.model() instanceof V1RoleBinding b) {
        assertThat(b.getSubjects()).allMatch(s -> NAMESPACE.equals(s.getNamespace()));
      }
    }
    assertThat(kinds(optional)).contains("Role", "ClusterRole");
    assertThat(optional).anyMatch(m -> m.model() instanceof V1Role);
  }

  // ---------------------------------------------------------------------------------------------

  private static List<String> kustomizations() {
    List<String> dirs = new ArrayList<>();
    dirs.add("base");
    OVERLAYS.forEach(o -> dirs.add("overlays/" + o));
    return dirs;
  }

  /** Renders once per directory: kubectl takes a second or more per run. */
  private static final Map<Path, List<Manifest>> RENDERED = new java.util.HashMap<>();

  private static synchronized List<Manifest> render(Path kustomization) throws Exception {
    List<Manifest> cached = RENDERED.get(kustomization);
    if (cached == null) {
      cached = renderNow(kustomization);
      RENDERED.put(kustomization, cached);
    }
    return cached;
  }

  private static List<Manifest> renderNow(Path kustomization) throws Exception {
    Process p =
        new ProcessBuilder(kubectl, "kustomize", kustomization.toString())
            .redirectErrorStream(false)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("kubectl kustomize finished").isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize %s: %s", kustomization, err).isZero();
    return parseAll(new String(out, StandardCharsets.UTF_8), kustomization.toString());
  }

  private static List<Manifest> parseAll(String yaml, String source) throws IOException {
    List<Manifest> objects = new ArrayList<>();
    org.yaml.snakeyaml.Yaml splitter =
        new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()));
    for (Object doc : splitter.loadAll(yaml)) {
      if (doc != null) {
        objects.add(parse(splitter.dump(doc), source));
      }
    }
    return objects;
  }

  /**
   * Parses one object with the client's model for its apiVersion and kind, and refuses it when the
   * model drops a field (the models ignore unknown fields silently; the API server does not).
   */
  @SuppressWarnings("unchecked")
  private static Manifest parse(String yaml, String source) throws IOException {
    Map<String, Object> raw =
        (Map<String, Object>)
            new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    String apiVersion = String.valueOf(raw.get("apiVersion"));
    String kind = String.valueOf(raw.get("kind"));
    Map<String, Object> metadata = (Map<String, Object>) raw.get("metadata");
    String name = metadata == null ? "?" : String.valueOf(metadata.get("name"));
    Class<?> model = ModelMapper.getApiTypeClass(apiVersion, kind);
    if (model == null || model == DynamicKubernetesObject.class) {
      // A kind of another operator (ServiceMonitor): the client's dynamic object.
      DynamicKubernetesObject dynamic = Dynamics.newFromYaml(yaml);
      assertThat(dynamic.getMetadata().getName()).as("%s %s name", source, kind).isNotBlank();
      return new Manifest(kind, name, dynamic);
    }
    // The client's own JSON reader, as for the API server's answers: it refuses unknown fields.
    ObjectMapper json = new ObjectMapper();
    String asJson = json.writeValueAsString(raw);
    Object typed;
    try {
      typed = new JSON().deserialize(asJson, model);
    } catch (RuntimeException e) {
      throw new AssertionError(
          source
              + ": "
              + kind
              + " "
              + name
              + " does not parse as "
              + model.getSimpleName()
              + ": "
              + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
    Map<String, Object> back = json.readValue(new JSON().serialize(typed), Map.class);
    Map<String, Object> original = json.readValue(asJson, Map.class);
    List<String> dropped = new ArrayList<>();
    dropped(original, back, kind + "/" + name, dropped);
    assertThat(dropped)
        .as(
            "%s: fields the %s model does not know (misspelled or misplaced?)",
            source, model.getSimpleName())
        .isEmpty();
    return new Manifest(kind, name, typed);
  }

  @SuppressWarnings("unchecked")
  private static void dropped(Object original, Object back, String path, List<String> out) {
    if (original instanceof Map<?, ?> o) {
      Map<String, Object> b = back instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      for (Map.Entry<?, ?> e : o.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (!b.containsKey(key)) {
          out.add(path + "." + key);
        } else {
          dropped(e.getValue(), b.get(key), path + "." + key, out);
        }
      }
    } else if (original instanceof List<?> o && back instanceof List<?> b) {
      for (int i = 0; i < Math.min(o.size(), b.size()); i++) {
        dropped(o.get(i), b.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static Set<String> kinds(List<Manifest> objects) {
    return objects.stream().map(Manifest::kind).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> namespaces(List<Manifest> objects) {
    Set<String> namespaces = new TreeSet<>();
    for (Manifest m : objects) {
      if (m.model() instanceof KubernetesObject k && k.getMetadata().getNamespace() != null) {
        namespaces.add(k.getMetadata().getNamespace());
      }
    }
    return namespaces;
  }

  private static <T> T one(List<Manifest> objects, Class<T> type) {
    List<T> found =
        objects.stream().map(Manifest::model).filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static V1Container container(List<Manifest> objects) {
    return one(objects, V1Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  private static V1VolumeMount mountOf(V1Container c, String volume) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
  }

  private static String mountPath(V1PodSpec pod, V1Container c, String source) {
    return pod.getVolumes().stream()
        .filter(v -> source.equals("emptyDir") && v.getEmptyDir() != null)
        .map(v -> mountOf(c, v.getName()).getMountPath())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
