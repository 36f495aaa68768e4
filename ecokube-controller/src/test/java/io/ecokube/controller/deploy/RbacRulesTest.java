package io.ecokube.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped RBAC rules are exactly what the code calls. Three steps, each able to fail alone:
 *
 * <ol>
 *   <li>every class on the controller's class path that calls the API server (the official client's
 *       typed {@code *Api} classes, {@code GenericKubernetesApi}, informers) declares its access
 *       with {@link KubernetesAccess}, and a class that declares access makes calls;
 *   <li>each typed call, read from the bytecode ({@code CoreV1Api.patchNode} is {@code patch} on
 *       {@code nodes}), is covered by its class's declarations, and a class whose calls are all
 *       typed declares nothing more;
 *   <li>the union of the declarations equals the rules of the Roles and ClusterRoles in {@code
 *       deploy/base/10-rbac.yaml} (feature {@code core}) and {@code deploy/11-rbac-optional.yaml}
 *       (one feature per Role, label {@code ecokube.io/feature}): no missing rule, no unused one.
 * </ol>
 *
 * Calls whose resource is a run-time value (generic and custom-object APIs, informers) cannot be
 * read from the bytecode; their classes' declarations are taken as written, which step 3 still
 * holds against the Roles.
 */
class RbacRulesTest {
  private static final Path BASE_RBAC = Path.of("..", "deploy", "base", "10-rbac.yaml");
  private static final Path OPTIONAL_RBAC = Path.of("..", "deploy", "11-rbac-optional.yaml");
  private static final String FEATURE_LABEL = "ecokube.io/feature";

  /** API group of each typed API class family (the client's class name minus version and "Api"). */
  private static final Map<String, String> GROUPS =
      Map.ofEntries(
          Map.entry("Core", ""),
          Map.entry("Apps", "apps"),
          Map.entry("Batch", "batch"),
          Map.entry("Autoscaling", "autoscaling"),
          Map.entry("Policy", "policy"),
          Map.entry("Coordination", "coordination.k8s.io"),
          Map.entry("Events", "events.k8s.io"),
          Map.entry("Networking", "networking.k8s.io"),
          Map.entry("RbacAuthorization", "rbac.authorization.k8s.io"),
          Map.entry("Scheduling", "scheduling.k8s.io"),
          Map.entry("Storage", "storage.k8s.io"),
          Map.entry("Apiextensions", "apiextensions.k8s.io"));

  private static final Pattern TYPED_API =
      Pattern.compile(
          "io\\.kubernetes\\.client\\.openapi\\.apis\\.([A-Za-z]+?)V\\d+(?:(?:alpha|beta)\\d+)?Api");
  private static final Pattern TYPED_METHOD =
      Pattern.compile(
          "(list|read|create|replace|patch|deleteCollection|delete)(Namespaced)?([A-Z][A-Za-z]*?)(ForAllNamespaces)?");
  private static final Map<String, String> VERBS =
      Map.of(
          "list", "list",
          "read", "get",
          "create", "create",
          "replace", "update",
          "patch", "patch",
          "delete", "delete",
          "deleteCollection", "deletecollection");
  private static final List<String> SUBRESOURCES =
      List.of("Status", "Scale", "Eviction", "Binding", "Log", "Ephemeralcontainers", "Resize");

  /** API whose resource is a run-time argument. */
  private static final Set<String> DYNAMIC =
      Set.of(
          "io.kubernetes.client.util.generic.GenericKubernetesApi",
          "io.kubernetes.client.openapi.apis.CustomObjectsApi",
          "io.kubernetes.client.informer.SharedInformerFactory");

  /** What one top-level class calls. */
  private static final class Calls {
    final Set<String> typed = new TreeSet<>(); // "group resource verb"
    final Set<String> typedSources = new TreeSet<>();
    final Set<String> dynamic = new TreeSet<>();
  }

  private static final Map<String, Calls> CALLS = new TreeMap<>();
  private static JavaClasses classes;

  @BeforeAll
  static void readTheBytecode() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ecokube");
    for (JavaClass c : classes) {
      List<JavaAccess<?>> accesses = new ArrayList<>();
      accesses.addAll(c.getMethodCallsFromSelf());
      accesses.addAll(c.getConstructorCallsFromSelf());
      for (JavaAccess<?> access : accesses) {
        String owner = access.getTargetOwner().getName();
        String method = access.getName();
        Calls calls = null;
        if (DYNAMIC.contains(owner)
            && !(owner.endsWith("SharedInformerFactory")
                && !method.equals("sharedIndexInformerFor"))) {
          calls = CALLS.computeIfAbsent(topLevel(c).getName(), k -> new Calls());
          calls.dynamic.add(access.getTargetOwner().getSimpleName() + "." + method);
        } else {
          Optional<String> rule = typedRule(owner, method);
          if (rule.isPresent()) {
            calls = CALLS.computeIfAbsent(topLevel(c).getName(), k -> new Calls());
            calls.typed.add(rule.get());
            calls.typedSources.add(access.getTargetOwner().getSimpleName() + "." + method);
          }
        }
      }
    }
  }

  @Test
  void theBytecodeReaderFindsTheKnownCalls() {
    // A reader that finds nothing would make every other check here pass.
    assertThat(CALLS)
        .containsKeys(
            "io.ecokube.kubernetes.KubernetesActuator",
            "io.ecokube.kubernetes.KubernetesClusterView");
    assertThat(CALLS.get("io.ecokube.kubernetes.KubernetesActuator").typed)
        .contains(" pods/eviction create", " nodes patch", " nodes get");
    assertThat(
            typedRule(
                "io.kubernetes.client.openapi.apis.AppsV1Api", "patchNamespacedDeploymentScale"))
        .contains("apps deployments/scale patch");
    assertThat(typedRule("io.kubernetes.client.openapi.apis.CoreV1Api", "listPodForAllNamespaces"))
        .contains(" pods list");
    assertThat(
            typedRule(
                "io.kubernetes.client.openapi.apis.CoordinationV1Api", "replaceNamespacedLease"))
        .contains("coordination.k8s.io leases update");
    assertThat(
            typedRule(
                "io.kubernetes.client.openapi.apis.AutoscalingV2Api",
                "listNamespacedHorizontalPodAutoscaler"))
        .contains("autoscaling horizontalpodautoscalers list");
    assertThat(typedRule("io.kubernetes.client.openapi.apis.CoreV1Api", "getApiClient")).isEmpty();
  }

  @Test
  void everyClassThatCallsTheApiDeclaresItsAccessAndNoMore() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Calls> e : CALLS.entrySet()) {
      Calls calls = e.getValue();
      Set<String> declared = new TreeSet<>();
      for (KubernetesAccess a : declarations(Class.forName(e.getKey()))) {
        declared.addAll(expand(a.group(), a.resources(), a.verbs()));
      }
      if (declared.isEmpty()) {
        problems.add(
            e.getKey()
                + " calls the API server ("
                + String.join(", ", calls.typedSources)
                + (calls.dynamic.isEmpty() ? "" : ", " + String.join(", ", calls.dynamic))
                + ") but has no @KubernetesAccess: declare what it calls");
        continue;
      }
      Set<String> undeclared = new TreeSet<>(calls.typed);
      undeclared.removeAll(declared);
      if (!undeclared.isEmpty()) {
        problems.add(
            e.getKey() + " calls " + undeclared + " without declaring it in @KubernetesAccess");
      }
      if (calls.dynamic.isEmpty()) {
        Set<String> unused = new TreeSet<>(declared);
        unused.removeAll(calls.typed);
        if (!unused.isEmpty()) {
          problems.add(e.getKey() + " declares " + unused + " but never calls it: remove it");
        }
      }
    }
    for (Class<?> declaring : declaringClasses()) {
      if (!CALLS.containsKey(declaring.getName())) {
        problems.add(declaring.getName() + " declares @KubernetesAccess but makes no API call");
      }
    }
    assertThat(problems).as("classes vs their @KubernetesAccess").isEmpty();
  }

  @Test
  void theShippedRolesGrantExactlyWhatTheCodeDeclares() throws Exception {
    Set<String> declared = new TreeSet<>();
    for (Class<?> c : declaringClasses()) {
      for (KubernetesAccess a : declarations(c)) {
        for (String rule : expand(a.group(), a.resources(), a.verbs())) {
          declared.add(a.feature() + " " + a.scope() + " " + rule);
        }
      }
    }
    Set<String> granted = new TreeSet<>();
    granted.addAll(rules(BASE_RBAC));
    granted.addAll(rules(OPTIONAL_RBAC));

    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(granted);
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(declared);
    // Both directions in one message, so one run shows every rule to add and to remove.
    assertThat(Map.of("called but granted by no Role", missing, "granted but never called", unused))
        .as(
            "the rules in deploy/ vs the code's @KubernetesAccess (feature scope group resource verb)")
        .allSatisfy((what, rules) -> assertThat(rules).as(what).isEmpty());
    assertThat(granted).as("sanity: rules were read").contains("core CLUSTER  nodes patch");
  }

  @Test
  void theCoreRulesAreAllInTheBaseAndTheOptionalOnesInTheOptionalFile() throws IOException {
    for (String rule : rules(BASE_RBAC)) {
      assertThat(rule).as("deploy/base/10-rbac.yaml holds core rules only").startsWith("core ");
    }
    for (String rule : rules(OPTIONAL_RBAC)) {
      assertThat(rule)
          .as("deploy/11-rbac-optional.yaml holds optional features only")
          .doesNotStartWith("core ");
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** "group resource verb" for a call into a typed API class, or empty for anything else. */
  static Optional<String> typedRule(String owner, String method) {
    Matcher api = TYPED_API.matcher(owner);
    Matcher m = TYPED_METHOD.matcher(method);
    if (!api.matches() || !m.matches()) {
      return Optional.empty();
    }
    String group = GROUPS.get(api.group(1));
    assertThat(group).as("the API group of %s: add it to RbacRulesTest.GROUPS", owner).isNotNull();
    String name = m.group(3);
    String subresource = "";
    for (String s : SUBRESOURCES) {
      if (name.endsWith(s) && name.length() > s.length()) {
        subresource = "/" + s.toLowerCase(java.util.Locale.ROOT);
        name = name.substring(0, name.length() - s.length());
        break;
      }
    }
    return Optional.of(group + " " + plural(name) + subresource + " " + VERBS.get(m.group(1)));
  }

  private static String plural(String kind) {
    String lower = kind.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith("y")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    if (lower.endsWith("s")) {
      return lower + "es";
    }
    return lower + "s";
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top;
  }

  private static KubernetesAccess[] declarations(Class<?> c) {
    return c.getAnnotationsByType(KubernetesAccess.class);
  }

  private static List<Class<?>> declaringClasses() throws ClassNotFoundException {
    List<Class<?>> declaring = new ArrayList<>();
    for (JavaClass c : classes) {
      if (c.isAnnotatedWith(KubernetesAccess.class)
          || c.isAnnotatedWith(KubernetesAccess.List.class)) {
        declaring.add(Class.forName(c.getName()));
      }
    }
    return declaring;
  }

  private static Set<String> expand(String group, String[] resources, String[] verbs) {
    Set<String> rules = new TreeSet<>();
    for (String resource : resources) {
      for (String verb : verbs) {
        rules.add(group + " " + resource + " " + verb);
      }
    }
    return rules;
  }

  /** "feature scope group resource verb" for every rule of the Roles and ClusterRoles in a file. */
  private static Set<String> rules(Path file) throws IOException {
    Set<String> rules = new TreeSet<>();
    for (Object o : Yaml.loadAll(Files.readString(file))) {
      List<V1PolicyRule> policy;
      V1ObjectMeta meta;
      String scope;
      if (o instanceof V1ClusterRole r) {
        policy = r.getRules();
        meta = r.getMetadata();
        scope = KubernetesAccess.Scope.CLUSTER.name();
      } else if (o instanceof V1Role r) {
        policy = r.getRules();
        meta = r.getMetadata();
        scope = KubernetesAccess.Scope.NAMESPACE.name();
      } else {
        continue;
      }
      String feature = meta.getLabels() == null ? null : meta.getLabels().get(FEATURE_LABEL);
      assertThat(feature)
          .as("%s: role %s has no label %s", file, meta.getName(), FEATURE_LABEL)
          .isNotNull();
      for (V1PolicyRule rule : policy) {
        for (String group : rule.getApiGroups()) {
          for (String r :
              expand(
                  group,
                  rule.getResources().toArray(String[]::new),
                  rule.getVerbs().toArray(String[]::new))) {
            rules.add(feature + " " + scope + " " + r);
          }
        }
      }
    }
    return rules;
  }
}
