package io.ecokube.kubernetes;

import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.extended.event.EventType;
import io.kubernetes.client.extended.event.legacy.EventAggregator;
import io.kubernetes.client.extended.event.legacy.EventCorrelator;
import io.kubernetes.client.extended.event.legacy.EventLogger;
import io.kubernetes.client.extended.event.legacy.EventRecorder;
import io.kubernetes.client.extended.event.legacy.EventSink;
import io.kubernetes.client.extended.event.legacy.EventSpamFilter;
import io.kubernetes.client.extended.event.legacy.LegacyEventBroadcaster;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.commons.lang3.tuple.MutablePair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events for decisions, held-back decisions, outcomes and state transitions, as
 * Cluster Autoscaler does: {@code kubectl describe node worker-2} shows why it was woken or powered
 * off, or why not. Events about a node are attached to the Node (namespace {@code default}, as the
 * kubelet does); events about a pool or workload to the controller's own object.
 *
 * <p>Posting goes through client-java-extended's event broadcaster and recorder ({@link
 * LegacyEventBroadcaster}), with the kubelet's correlation keyed by object, type and reason: the
 * same reason on the same node updates ONE Event (its count, last timestamp and latest message)
 * instead of adding one per reconcile, so a node held back every tick shows one {@code
 * HeldBackWake} Event with a growing count. The broadcaster's spam filter (a token bucket per
 * object and reason) keeps a flapping reason from flooding the API server; the count still includes
 * what it held back.
 *
 * <p>The listener never blocks the engine: at most {@code capacity} events wait for the
 * broadcaster's thread; beyond that an event is dropped and counted ({@link #dropped()}). Posting
 * failures are logged and counted ({@link #failed()}), and not retried (the next occurrence of the
 * same reason posts again).
 */
@KubernetesAccess(
    resources = "events",
    verbs = {"create", "update", "patch"})
public final class KubernetesEventRecorder implements EngineListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  private static final String COMPONENT = "ecokube";

  /** Distinct object-and-reason keys the correlator remembers (as the kubelet's cache). */
  private static final int CORRELATION_KEYS = 4096;

  private final Predicate<String> isNode;
  private final V1ObjectReference controllerRef;
  private final int capacity;
  private final LegacyEventBroadcaster broadcaster;
  private final EventRecorder recorder;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong posted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;

  /**
   * Creates a recorder and starts the broadcaster's thread.
   *
   * @param client the API client (needs 'create' and 'patch' on events)
   * @param isNode whether a plan subject names a Node (otherwise the controller object is used)
   * @param controllerRef the object events about pools and workloads are attached to
   * @param instance this replica's identity, as the event's reporting instance
   * @param capacity how many events may wait to be posted, > 0
   */
  public KubernetesEventRecorder(
      ApiClient client,
      Predicate<String> isNode,
      V1ObjectReference controllerRef,
      String instance,
      int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("event queue capacity must be > 0, got " + capacity);
    }
    CoreV1Api core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.isNode = Objects.requireNonNull(isNode, "isNode");
    this.controllerRef = Objects.requireNonNull(controllerRef, "controllerRef");
    this.capacity = capacity;
    this.broadcaster =
        new LegacyEventBroadcaster(
            new ByReason(), new Sink(core, Objects.requireNonNull(instance, "instance")));
    this.recorder = broadcaster.newRecorder(new V1EventSource().component(COMPONENT));
    broadcaster.startRecording();
  }

  @Override
  public void onPlan(Plan plan) {
    for (PlannedAction a : plan.actions()) {
      record(a.node(), EventType.Normal, reasonFor(a.type()), a.reason());
    }
    for (HeldBack h : plan.heldBack()) {
      record(h.subject(), EventType.Normal, "HeldBack" + camel(h.wanted()), h.reason());
    }
  }

  @Override
  public void onOutcome(ActionOutcome o) {
    EventType type =
        o.result() == ActionOutcome.Result.SUCCEEDED || o.result() == ActionOutcome.Result.SKIPPED
            ? EventType.Normal
            : EventType.Warning;
    String msg = o.detail() + o.driver().map(d -> " (driver " + d + ")").orElse("");
    record(o.action().node(), type, camel(o.action().type()) + camel(o.result().name()), msg);
  }

  @Override
  public void onTransition(NodeTransition t) {
    record(
        t.node(),
        t.to() == io.ecokube.api.state.NodeLifecycle.FAILED ? EventType.Warning : EventType.Normal,
        "PowerState" + camel(t.to().name()),
        t.from() + " -> " + t.to() + ": " + t.reason());
  }

  /**
   * A Warning Event {@code NodeMaintenance} on the node: the engine holds it in maintenance until
   * an operator clears it (annotation {@link EcoKubeKeys#MAINTENANCE_CLEAR}).
   */
  public void maintenance(String node, String why) {
    record(
        node,
        EventType.Warning,
        "NodeMaintenance",
        why + "; annotate the Node with " + EcoKubeKeys.MAINTENANCE_CLEAR + " once it is fixed");
  }

  /**
   * An Event about a task of worker pods, on the controller's object: {@code TaskSucceeded}
   * (Normal) or {@code TaskFailed} (Warning), the message starting with the task id.
   */
  public void task(String taskId, boolean succeeded, String message) {
    record(
        "task " + taskId,
        succeeded ? EventType.Normal : EventType.Warning,
        succeeded ? "TaskSucceeded" : "TaskFailed",
        message);
  }

  /**
   * A Warning Event on the controller's own object, for what concerns the controller as a whole (a
   * refused config reload, for example).
   */
  public void warning(String reason, String message) {
    record(null, EventType.Warning, reason, message);
  }

  /** Events created or updated so far. */
  public long posted() {
    return posted.get();
  }

  /** Events dropped because {@code capacity} events were already waiting. */
  public long dropped() {
    return dropped.get();
  }

  /** Events the API server did not accept. */
  public long failed() {
    return failed.get();
  }

  static String reasonFor(ActionType type) {
    return switch (type) {
      case WAKE -> "WakeNode";
      case DRAIN -> "DrainNode";
      case POWER_OFF -> "PowerOffNode";
      case UNCORDON -> "UncordonNode";
      case PROBE -> "ProbeNode";
    };
  }

  private static String camel(Enum<?> e) {
    return camel(e.name());
  }

  private static String camel(String upper) {
    StringBuilder b = new StringBuilder();
    for (String part : upper.toLowerCase(Locale.ROOT).split("_")) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.toString();
  }

  /** {@code subject} null: about the controller itself. */
  private void record(String subject, EventType type, String reason, String message) {
    if (!running) {
      return;
    }
    V1ObjectReference involved;
    if (subject != null && isNode.test(subject)) {
      involved = new V1ObjectReference().apiVersion("v1").kind("Node").name(subject);
    } else {
      involved = controllerRef;
      if (subject != null) {
        message = subject + ": " + message;
      }
    }
    // Events have a 1 KiB message limit in practice; keep ours readable and within it.
    String msg = message.length() > 1000 ? message.substring(0, 997) + "..." : message;
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    // The recorder formats its message: pass ours as an argument so a '%' in it stays text.
    recorder.event(involved, type, reason, "%s", msg);
  }

  /** Stops the broadcaster's thread; {@code grace} is kept for callers, events left are dropped. */
  public void close(Duration grace) {
    running = false;
    broadcaster.shutdown();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private static String key(CoreV1Event e) {
    V1ObjectReference o = e.getInvolvedObject();
    return String.join(
        "/",
        String.valueOf(o.getKind()),
        String.valueOf(o.getNamespace()),
        String.valueOf(o.getName()),
        String.valueOf(e.getType()),
        String.valueOf(e.getReason()));
  }

  /**
   * The kubelet's correlation with the message left out of the key: one Event per object, type and
   * reason, whose count and message follow the latest occurrence. The library's aggregator keys its
   * logger by message until ten messages differ; ours hands the logger the object-and-reason key
   * from the first occurrence, so the logger patches the existing Event instead of creating one.
   */
  private final class ByReason extends EventCorrelator {
    ByReason() {
      this.aggregator =
          new EventAggregator(CORRELATION_KEYS, e -> new MutablePair<>(key(e), key(e)), m -> "") {
            @Override
            public synchronized MutablePair<CoreV1Event, String> aggregate(CoreV1Event e) {
              return new MutablePair<>(e, key(e));
            }
          };
      this.logger = new EventLogger(CORRELATION_KEYS, KubernetesEventRecorder::key);
      EventSpamFilter spam = new EventSpamFilter(CORRELATION_KEYS, KubernetesEventRecorder::key);
      this.filter = spam::filter;
    }

    @Override
    public Optional<MutablePair<CoreV1Event, V1Patch>> correlate(CoreV1Event event) {
      // The event has left the broadcaster's queue.
      waiting.decrementAndGet();
      return super.correlate(event);
    }
  }

  /**
   * Creates and patches Events; a failure is counted and logged, not retried (the broadcaster would
   * sleep between retries, holding back every event behind it). A patch of an Event that expired
   * (404) is passed on, so the broadcaster creates it again.
   */
  private final class Sink implements EventSink {
    private final CoreV1Api core;
    private final String instance;

    Sink(CoreV1Api core, String instance) {
      this.core = core;
      this.instance = instance;
    }

    @Override
    public CoreV1Event create(CoreV1Event e) {
      String ns = e.getMetadata().getNamespace();
      if (ns == null || ns.isEmpty()) {
        // Cluster-scoped objects (Nodes): their Events live in "default", as the kubelet's do.
        ns = "default";
        e.getMetadata().setNamespace(ns);
      }
      e.apiVersion("v1").kind("Event").reportingComponent(COMPONENT).reportingInstance(instance);
      try {
        CoreV1Event created = core.createNamespacedEvent(ns, e).execute();
        posted.incrementAndGet();
        return created;
      } catch (ApiException ex) {
        return failed(e, ex);
      }
    }

    @Override
    public CoreV1Event update(CoreV1Event e) {
      e.apiVersion("v1").kind("Event");
      try {
        CoreV1Event replaced =
            core.replaceNamespacedEvent(e.getMetadata().getName(), namespace(e), e).execute();
        posted.incrementAndGet();
        return replaced;
      } catch (ApiException ex) {
        return failed(e, ex);
      }
    }

    @Override
    public CoreV1Event patch(CoreV1Event e, V1Patch patch) throws ApiException {
      try {
        CoreV1Event patched =
            PatchUtils.patch(
                CoreV1Event.class,
                () ->
                    core.patchNamespacedEvent(e.getMetadata().getName(), namespace(e), patch)
                        .buildCall(null),
                // The correlator's patch sets scalars only (count, message, lastTimestamp), for
                // which a JSON merge patch and the kubelet's strategic merge patch agree.
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                core.getApiClient());
        posted.incrementAndGet();
        return patched;
      } catch (ApiException ex) {
        if (ex.getCode() == 404) {
          throw ex;
        }
        return failed(e, ex);
      }
    }

    private String namespace(CoreV1Event e) {
      String ns = e.getMetadata().getNamespace();
      return ns == null || ns.isEmpty() ? "default" : ns;
    }

    private CoreV1Event failed(CoreV1Event e, ApiException ex) {
      failed.incrementAndGet();
      LOG.warn(
          "event {} on {} {} not recorded: {}",
          e.getReason(),
          e.getInvolvedObject().getKind(),
          e.getInvolvedObject().getName(),
          ApiErrors.describe(ex));
      return null;
    }
  }
}
