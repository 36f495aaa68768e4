package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetList;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as the engine sees it, served from informer caches of Nodes, Pods and
 * PodDisruptionBudgets (list once, then watch). {@link #snapshot()} does no I/O: it copies and
 * classifies what the caches hold.
 *
 * <p>Pods in the snapshot are those bound to a node and those the scheduler marked unschedulable
 * ({@link PodClassifier#isRelevant}). Call {@link #start()} and wait for {@link
 * #awaitSynced(Duration)} before the first snapshot; {@link #close()} stops the watches.
 */
@KubernetesAccess(
    resources = {"nodes", "pods"},
    verbs = {"list", "watch"})
@KubernetesAccess(
    group = "policy",
    resources = "poddisruptionbudgets",
    verbs = {"list", "watch"})
public final class KubernetesClusterView implements ClusterView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesClusterView.class);
  private static final String BY_NODE = "byNode";
  // How often awaitSynced looks at the informers' sync flags.
  private static final Duration SYNC_POLL = Duration.ofMillis(20);

  private final Clock clock;
  // Replaced whole when the config file is reloaded; each snapshot reads it once.
  private volatile Map<String, NodeSpec> configured;
  private volatile NodeHintPolicy hints;
  // Refusals already logged, by node: the same Node version is mapped on every snapshot.
  private final Map<String, List<String>> reported = new ConcurrentHashMap<>();
  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1Node> nodes;
  private final SharedIndexInformer<V1Pod> pods;
  private final SharedIndexInformer<V1PodDisruptionBudget> pdbs;

  /**
   * Creates a view; nothing is listed until {@link #start()}.
   *
   * @param client the API client
   * @param configured nodes from the config file by name (power profile, driver chain, pool)
   * @param clock the clock that stamps snapshots
   * @param resync how often informers re-deliver their cache to handlers (zero: never)
   * @param hints which power hints Node annotations may give
   */
  public KubernetesClusterView(
      ApiClient client,
      Map<String, NodeSpec> configured,
      Clock clock,
      Duration resync,
      NodeHintPolicy hints) {
    Objects.requireNonNull(client, "client");
    this.configured = Map.copyOf(Objects.requireNonNull(configured, "configured"));
    this.hints = Objects.requireNonNull(hints, "hints");
    this.clock = Objects.requireNonNull(clock, "clock");
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ecokube-informer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.factory = new SharedInformerFactory(client, threads, true);
    long resyncMillis = resync.toMillis();
    this.nodes =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Node.class, V1NodeList.class, "", "v1", "nodes", client),
            V1Node.class,
            resyncMillis);
    this.pods =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            resyncMillis);
    this.pdbs =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(
                V1PodDisruptionBudget.class,
                V1PodDisruptionBudgetList.class,
                "policy",
                "v1",
                "poddisruptionbudgets",
                client),
            V1PodDisruptionBudget.class,
            resyncMillis);
    pods.addIndexers(
        Map.of(
            BY_NODE,
            p ->
                p.getSpec() == null || p.getSpec().getNodeName() == null
                    ? List.of()
                    : List.of(p.getSpec().getNodeName())));
  }

  /**
   * The nodes of a reloaded config file: the next snapshot uses their power profiles, driver chains
   * and pools.
   */
  public void reconfigure(Map<String, NodeSpec> nodes) {
    this.configured = Map.copyOf(Objects.requireNonNull(nodes, "nodes"));
  }

  /** The nodes and the Node hint policy of a reloaded config file, for the next snapshot. */
  public void reconfigure(Map<String, NodeSpec> nodes, NodeHintPolicy hints) {
    this.hints = Objects.requireNonNull(hints, "hints");
    reconfigure(nodes);
  }

  /** Starts the list-and-watch of all three resources. */
  public void start() {
    factory.startAllRegisteredInformers();
  }

  /** Whether every cache has completed its first list. */
  public boolean hasSynced() {
    return nodes.hasSynced() && pods.hasSynced() && pdbs.hasSynced();
  }

  /**
   * Waits until every cache has completed its first list.
   *
   * @return whether they did within the timeout
   */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasSynced()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      // The informer library offers no sync callback; poll its flag.
      Sleeper.system().sleep(SYNC_POLL);
    }
    return true;
  }

  @Override
  public ClusterSnapshot snapshot() {
    List<V1Node> nodeList = new ArrayList<>(nodes.getIndexer().list());
    nodeList.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    List<ClusterNode> out = new ArrayList<>(nodeList.size());
    for (V1Node n : nodeList) {
      try {
        String name = n.getMetadata().getName();
        NodeMapper.Mapping m = NodeMapper.map(n, Optional.ofNullable(configured.get(name)), hints);
        if (!m.refused().equals(reported.put(name, m.refused()))) {
          m.refused().forEach(LOG::warn);
        }
        out.add(m.node());
      } catch (IllegalArgumentException e) {
        LOG.warn("Node {} left out of the snapshot: {}", n.getMetadata().getName(), e.getMessage());
      }
    }
    Map<String, List<V1PodDisruptionBudget>> pdbsByNs = new HashMap<>();
    for (V1PodDisruptionBudget b : pdbs.getIndexer().list()) {
      pdbsByNs.computeIfAbsent(b.getMetadata().getNamespace(), k -> new ArrayList<>()).add(b);
    }
    List<PodInfo> podInfos = new ArrayList<>();
    for (V1Pod p : pods.getIndexer().list()) {
      if (PodClassifier.isRelevant(p)) {
        podInfos.add(PodClassifier.classify(p, coveredByPdb(p, pdbsByNs)));
      }
    }
    return new ClusterSnapshot(clock.now(), out, podInfos);
  }

  /** The cached pods bound to a node (any phase). */
  public List<V1Pod> podsOnNode(String node) {
    return pods.getIndexer().byIndex(BY_NODE, node);
  }

  /** Every cached Node. */
  public List<V1Node> nodes() {
    return List.copyOf(nodes.getIndexer().list());
  }

  /** The cached Node, if the cache holds it. */
  public Optional<V1Node> node(String name) {
    return Optional.ofNullable(nodes.getIndexer().getByKey(name));
  }

  /** Whether a PodDisruptionBudget in the pod's namespace selects it (from the cache). */
  public boolean coveredByPdb(V1Pod pod) {
    Map<String, List<V1PodDisruptionBudget>> byNs = new HashMap<>();
    for (V1PodDisruptionBudget b : pdbs.getIndexer().list()) {
      byNs.computeIfAbsent(b.getMetadata().getNamespace(), k -> new ArrayList<>()).add(b);
    }
    return coveredByPdb(pod, byNs);
  }

  private static boolean coveredByPdb(V1Pod p, Map<String, List<V1PodDisruptionBudget>> byNs) {
    for (V1PodDisruptionBudget b : byNs.getOrDefault(p.getMetadata().getNamespace(), List.of())) {
      if (b.getSpec() != null
          && LabelSelectors.matches(b.getSpec().getSelector(), p.getMetadata().getLabels())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    factory.stopAllRegisteredInformers(true);
  }
}
