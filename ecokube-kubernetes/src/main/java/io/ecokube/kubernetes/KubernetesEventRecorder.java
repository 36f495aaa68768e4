package io.ecokube.kubernetes;

import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a core/v1 Event for every decision, held-back decision, outcome and state transition, as
 * Cluster Autoscaler does: {@code kubectl describe node worker-2} shows why it was woken or powered
 * off, or why not. Events about a node are attached to the Node (namespace {@code default}, as the
 * kubelet does); events about a pool or workload to the controller's own object.
 *
 * <p>The listener never blocks the engine: events go into a bounded queue that one named daemon
 * thread ({@code ecokube-events}) posts; when the queue is full the event is dropped and counted
 * ({@link #dropped()}). Posting failures are logged and counted ({@link #failed()}).
 */
@KubernetesAccess(resources = "events", verbs = "create")
public final class KubernetesEventRecorder implements EngineListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);

  private final CoreV1Api core;
  private final Clock clock;
  private final Predicate<String> isNode;
  private final V1ObjectReference controllerRef;
  private final String instance;
  private final BlockingQueue<CoreV1Event> queue;
  private final Thread worker;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong posted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;

  /**
   * Creates a recorder and starts its thread.
   *
   * @param client the API client (needs 'create' on events)
   * @param clock stamps events
   * @param isNode whether a plan subject names a Node (otherwise the controller object is used)
   * @param controllerRef the object events about pools and workloads are attached to
   * @param instance this replica's identity, as the event's reporting instance
   * @param capacity the queue bound, > 0
   */
  public KubernetesEventRecorder(
      ApiClient client,
      Clock clock,
      Predicate<String> isNode,
      V1ObjectReference controllerRef,
      String instance,
      int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("event queue capacity must be > 0, got " + capacity);
    }
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.isNode = Objects.requireNonNull(isNode, "isNode");
    this.controllerRef = Objects.requireNonNull(controllerRef, "controllerRef");
    this.instance = Objects.requireNonNull(instance, "instance");
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(this::run, "ecokube-events");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void onPlan(Plan plan) {
    for (PlannedAction a : plan.actions()) {
      enqueue(a.node(), "Normal", reasonFor(a.type()), a.reason());
    }
    for (HeldBack h : plan.heldBack()) {
      enqueue(h.subject(), "Normal", "HeldBack" + camel(h.wanted()), h.reason());
    }
  }

  @Override
  public void onOutcome(ActionOutcome o) {
    String type =
        o.result() == ActionOutcome.Result.SUCCEEDED || o.result() == ActionOutcome.Result.SKIPPED
            ? "Normal"
            : "Warning";
    String msg = o.detail() + o.driver().map(d -> " (driver " + d + ")").orElse("");
    enqueue(o.action().node(), type, camel(o.action().type()) + camel(o.result().name()), msg);
  }

  @Override
  public void onTransition(NodeTransition t) {
    enqueue(
        t.node(),
        t.to() == io.ecokube.api.state.NodeLifecycle.FAILED ? "Warning" : "Normal",
        "PowerState" + camel(t.to().name()),
        t.from() + " -> " + t.to() + ": " + t.reason());
  }

  /**
   * A Warning Event {@code NodeMaintenance} on the node: the engine holds it in maintenance until
   * an operator clears it (annotation {@link EcoKubeKeys#MAINTENANCE_CLEAR}).
   */
  public void maintenance(String node, String why) {
    enqueue(
        node,
        "Warning",
        "NodeMaintenance",
        why + "; annotate the Node with " + EcoKubeKeys.MAINTENANCE_CLEAR + " once it is fixed");
  }

  /** Events posted so far. */
  public long posted() {
    return posted.get();
  }

  /** Events dropped because the queue was full. */
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

  private void enqueue(String subject, String type, String reason, String message) {
    if (!running) {
      return;
    }
    V1ObjectReference involved;
    if (isNode.test(subject)) {
      involved = new V1ObjectReference().apiVersion("v1").kind("Node").name(subject);
    } else {
      involved = controllerRef;
      message = subject + ": " + message;
    }
    String ns = involved.getNamespace() == null ? "default" : involved.getNamespace();
    var now = clock.now().atOffset(ZoneOffset.UTC);
    // Events have a 1 KiB message limit in practice; keep ours readable and within it.
    String msg = message.length() > 1000 ? message.substring(0, 997) + "..." : message;
    CoreV1Event e =
        new CoreV1Event()
            .apiVersion("v1")
            .kind("Event")
            .metadata(
                new V1ObjectMeta()
                    .namespace(ns)
                    .name(
                        involved.getName()
                            + "."
                            + Long.toHexString(clock.millis())
                            + Long.toHexString(sequence.incrementAndGet())))
            .involvedObject(involved)
            .type(type)
            .reason(reason)
            .message(msg)
            .source(new V1EventSource().component("ecokube"))
            .reportingComponent("ecokube")
            .reportingInstance(instance)
            .firstTimestamp(now)
            .lastTimestamp(now)
            .count(1);
    if (!queue.offer(e)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      CoreV1Event e;
      try {
        e = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        return;
      }
      if (e == null) {
        continue;
      }
      try {
        core.createNamespacedEvent(e.getMetadata().getNamespace(), e).execute();
        posted.incrementAndGet();
      } catch (ApiException ex) {
        failed.incrementAndGet();
        LOG.warn(
            "event {} on {} {} not recorded: {}",
            e.getReason(),
            e.getInvolvedObject().getKind(),
            e.getInvolvedObject().getName(),
            ApiErrors.describe(ex));
      }
    }
  }

  /** Posts what is queued (for at most {@code grace}) and stops the thread. */
  public void close(Duration grace) {
    running = false;
    try {
      worker.join(grace.toMillis());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
