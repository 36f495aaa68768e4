package io.ecokube.controller.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.kubernetes.crd.CustomResource;
import io.ecokube.kubernetes.crd.CustomResourceWatch;
import io.ecokube.kubernetes.crd.ResourceEvents;
import io.ecokube.kubernetes.crd.ResourceKind;
import io.ecokube.kubernetes.crd.ResourceStatusWriter;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's side of the custom resources: watches NodePools, PowerPolicies and CostPolicies
 * (in {@code WATCH_NAMESPACE}: unset means the controller's own namespace, {@code *} every
 * namespace), assembles them with the config file ({@link ResourceDocument}), hands a changed
 * effective config to the controller, and, while this replica leads, writes every resource's status
 * and an Event on each condition change.
 *
 * <p>When the CRDs of {@code deploy/crds} are not installed the config file alone configures the
 * controller, as before, and one log line says so.
 */
public final class CustomResourceWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CustomResourceWiring.class);
  private static final Duration SYNC_POLL = Duration.ofMillis(20);

  /**
   * What the wiring needs from the controller.
   *
   * @param nodes the cached Nodes
   * @param apply takes a new effective config (called on the wiring's thread)
   * @param facts the running engine's facts; empty when no engine runs here
   * @param mayWrite whether this replica may write statuses and Events (leads, not a dry run)
   */
  public record Hooks(
      Supplier<List<V1Node>> nodes,
      Consumer<EcoKubeConfig> apply,
      Supplier<Optional<EngineFacts>> facts,
      BooleanSupplier mayWrite) {
    /** Validates. */
    public Hooks {
      Objects.requireNonNull(nodes, "nodes");
      Objects.requireNonNull(apply, "apply");
      Objects.requireNonNull(facts, "facts");
      Objects.requireNonNull(mayWrite, "mayWrite");
    }
  }

  private final CustomResourceWatch watch;
  private final Path configFile;
  private final Function<String, EcoKubeConfig> loader;
  private volatile ResourceDocument document;
  private final ResourceStatusWriter status;
  private final ResourceEvents events;
  private final Hooks hooks;
  private final Duration period;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile ResourceDocument.Result current;
  private ResourceStatus statusOf;

  private CustomResourceWiring(
      ApiClient client,
      Optional<String> namespace,
      String identity,
      Path configFile,
      Function<String, EcoKubeConfig> loader,
      Hooks hooks,
      Duration period)
      throws IOException {
    this.configFile = configFile;
    this.loader = loader;
    this.document = document(configFile, loader);
    this.hooks = hooks;
    this.period = period;
    this.status = new ResourceStatusWriter(client, Clock.system());
    this.events = new ResourceEvents(client, Clock.system(), identity);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-resources");
              t.setDaemon(true);
              return t;
            });
    this.watch = new CustomResourceWatch(client, namespace, Duration.ZERO, this::changed);
  }

  /**
   * The namespace to watch: {@code WATCH_NAMESPACE} unset or empty means the controller's own,
   * {@code *} means all (everyone who may create these resources anywhere then configures power).
   */
  public static Optional<String> watchNamespace(String own, Map<String, String> env) {
    String v = env.getOrDefault("WATCH_NAMESPACE", "").trim();
    if (v.equals("*")) {
      return Optional.empty();
    }
    return Optional.of(v.isEmpty() ? own : v);
  }

  /**
   * Starts watching and assembles the first effective config before returning, so the engine starts
   * with it. Empty when the CRDs are not installed.
   *
   * @param configFile the config file (its document is the base the resources add to)
   * @param loader validates a document as the file loader does
   */
  public static Optional<CustomResourceWiring> start(
      ApiClient client,
      Optional<String> namespace,
      String identity,
      Path configFile,
      Function<String, EcoKubeConfig> loader,
      Hooks hooks,
      Duration period)
      throws IOException, InterruptedException {
    CustomResourceWiring w =
        new CustomResourceWiring(client, namespace, identity, configFile, loader, hooks, period);
    boolean installed;
    try {
      installed = w.watch.installed();
    } catch (RuntimeException e) {
      LOG.warn("custom resources not checked ({}); the config file alone applies", e.getMessage());
      installed = false;
    }
    if (!installed) {
      LOG.info(
          "the ecokube.io custom resources are not installed (kubectl apply -f deploy/crds);"
              + " the config file alone configures Eco-Kube");
      w.loop.shutdownNow();
      return Optional.empty();
    }
    w.watch.start();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!w.watch.hasSynced() && System.nanoTime() < deadline) {
      // The informer library offers no sync callback; poll its flag.
      Sleeper.system().sleep(SYNC_POLL);
    }
    LOG.info(
        "watching NodePools, PowerPolicies and CostPolicies in {}",
        namespace.map(n -> "namespace " + n).orElse("every namespace"));
    w.reconcile();
    w.loop.scheduleWithFixedDelay(
        w::reconcileSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return Optional.of(w);
  }

  private static ResourceDocument document(Path file, Function<String, EcoKubeConfig> loader)
      throws IOException {
    JsonNode tree = new YAMLMapper().readTree(Files.readString(file));
    ObjectNode base = tree instanceof ObjectNode o ? o : new YAMLMapper().createObjectNode();
    return new ResourceDocument(base, loader);
  }

  /**
   * The config file changed (and is valid on its own): the resources are assembled again on it, on
   * the wiring's thread.
   */
  public void fileChanged() {
    try {
      loop.execute(
          () -> {
            try {
              document = document(configFile, loader);
              reconcile();
            } catch (IOException | RuntimeException e) {
              LOG.error("custom resources not assembled on the changed config file", e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // Closing.
    }
  }

  /** The effective config now (the file and every applied resource). */
  public EcoKubeConfig config() {
    return current.config();
  }

  private void changed() {
    // Debounce: a burst of informer events makes one reconcile.
    if (pending.compareAndSet(false, true)) {
      try {
        loop.schedule(
            () -> {
              pending.set(false);
              reconcileSafely();
            },
            200,
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // Closing.
      }
    }
  }

  private void reconcileSafely() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.error("custom resources not reconciled", e);
    }
  }

  private synchronized void reconcile() {
    List<CustomResource> all = new ArrayList<>();
    for (ResourceKind k : ResourceKind.values()) {
      all.addAll(watch.list(k));
    }
    all.sort(
        java.util.Comparator.comparing(CustomResource::created)
            .thenComparing(CustomResource::describe));
    ResourceDocument.Result next = document.assemble(all, nodeFacts());
    boolean changed = current == null || !current.document().equals(next.document());
    ResourceDocument.Result before = current;
    current = next;
    if (changed && before != null) {
      LOG.info("custom resources changed the configuration; applying it");
      hooks.apply().accept(next.config());
    }
    if (statusOf == null
        || before == null
        || !before.config().policy().budget().equals(next.config().policy().budget())) {
      statusOf = new ResourceStatus(next.config().policy().budget());
    }
    if (!hooks.mayWrite().getAsBoolean()) {
      return;
    }
    Optional<EngineFacts> facts = hooks.facts().get();
    for (CustomResource r : all) {
      Verdict v = next.verdicts().get(r.describe());
      if (v == null) {
        continue;
      }
      ResourceStatus.Status s = statusOf.of(r, v, next.config(), facts);
      try {
        for (ResourceStatusWriter.Transition t : status.write(r, s.fields(), s.conditions())) {
          var c = t.condition();
          boolean healthy = c.type().equals("Ready") ? c.status() : !c.status();
          if (t.first() && healthy) {
            continue;
          }
          events.record(
              r, !healthy, c.reason(), c.type() + " " + c.statusText() + ": " + c.message());
        }
      } catch (ActuatorException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  private List<NodeFacts> nodeFacts() {
    List<NodeFacts> out = new ArrayList<>();
    for (V1Node n : hooks.nodes().get()) {
      var m = n.getMetadata();
      if (m == null || m.getName() == null) {
        continue;
      }
      Map<String, Quantity> alloc =
          n.getStatus() == null || n.getStatus().getAllocatable() == null
              ? Map.of()
              : n.getStatus().getAllocatable();
      out.add(
          new NodeFacts(
              m.getName(),
              m.getLabels() == null ? Map.of() : m.getLabels(),
              m.getAnnotations() == null ? Map.of() : m.getAnnotations(),
              Optional.ofNullable(alloc.get("cpu")).map(Quantity::toSuffixedString),
              Optional.ofNullable(alloc.get("memory")).map(Quantity::toSuffixedString)));
    }
    return out;
  }

  @Override
  public void close() {
    loop.shutdownNow();
    watch.close();
  }
}
