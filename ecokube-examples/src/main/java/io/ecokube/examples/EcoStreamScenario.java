package io.ecokube.examples;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.EventLoop;
import io.ecokube.api.time.ManualClock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.sim.InMemoryJobQueue;
import io.ecokube.sim.Job;
import io.ecokube.sim.JobQueue;
import io.ecokube.sim.QueueWorkload;
import io.ecokube.sim.SimulationReport;
import io.ecokube.sim.Simulator;
import io.ecokube.sim.cluster.SimulatedDriverProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Eco-Stream scenario: a video pipeline on three bare-metal nodes. The control plane and
 * worker-1 are always on; worker-2, the GPU node in the green zone, is off. After a quiet spell, 50
 * video uploads land in the upload queue; the backlog asks for 10 transcoding workers, which do not
 * fit on worker-1, so they wait as pending pods; Eco-Kube wakes worker-2, the workers run there,
 * the queue drains, the workers scale to zero after a cooldown and Eco-Kube drains worker-2 and
 * powers it off.
 *
 * <p>The cluster comes from {@code eco-stream.yaml} (loaded and validated like any config). The
 * queue and the power drivers are pluggable so the demo can run against a real broker and real
 * drivers; by default both are simulated and everything runs on virtual time.
 */
public final class EcoStreamScenario {
  /** The GPU node Eco-Kube powers on and off. */
  public static final String GREEN_NODE = "worker-2";

  /** The transcoding workers. */
  public static final WorkloadRef WORKERS = WorkloadRef.deployment("eco-stream", "eco-worker");

  /** The queue uploads go to (the Kafka topic of the original). */
  public static final String QUEUE = "video-processing";

  /** How many videos are uploaded. */
  public static final int UPLOADS = 50;

  /** When the uploads start, after the quiet spell. */
  public static final Duration QUIET = Duration.ofMinutes(10);

  /** How long the scenario runs in virtual time. */
  public static final Duration LENGTH = Duration.ofMinutes(45);

  private final EcoKubeConfig config;
  private final Function<NodeSpec, List<PowerDriver>> drivers;
  private final JobQueue queue;
  private final long seed;
  private final ManualClock clock;
  // Shared with virtual nodes when set, so their boots are events of the simulator's own loop.
  private final EventLoop loop;
  private final Map<String, Supplier<PowerState>> power;
  private final List<Runnable> beforeStep;

  private EcoStreamScenario(Builder b) {
    this.config = b.config != null ? b.config : loadBundledConfig();
    this.drivers = b.drivers;
    this.queue = b.queue != null ? b.queue : new InMemoryJobQueue(QUEUE, "eco-worker-group");
    this.seed = b.seed;
    this.loop = b.loop;
    this.clock =
        b.loop != null
            ? b.loop.clock()
            : b.clock != null ? b.clock : new ManualClock(Instant.parse("2026-03-02T09:00:00Z"));
    this.power = Map.copyOf(b.power);
    this.beforeStep = List.copyOf(b.beforeStep);
  }

  /** Starts a builder: bundled config, simulated drivers, in-memory queue. */
  public static Builder builder() {
    return new Builder();
  }

  /** The config the scenario runs. */
  public EcoKubeConfig config() {
    return config;
  }

  /** Loads {@code eco-stream.yaml} from the class path, validating it like any config. */
  public static EcoKubeConfig loadBundledConfig() {
    String text;
    try (InputStream in = EcoStreamScenario.class.getResourceAsStream("eco-stream.yaml")) {
      text =
          new String(
              Objects.requireNonNull(in, "eco-stream.yaml").readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Validation builds every driver; the simulated ones are not attached to a cluster yet.
    try (DriverRegistry registry =
        DriverRegistry.builder()
            .loadServices()
            .register(new SimulatedDriverProvider(node -> Optional.empty()))
            .build()) {
      return ConfigLoader.using(registry).parse(text, "eco-stream.yaml");
    }
  }

  /** Builds the simulator for the scenario (not yet run). */
  public Simulator simulator() {
    Simulator.Builder b =
        (loop != null ? Simulator.builder(loop) : Simulator.builder(clock))
            .policy(config.policy())
            .tariff(config.accounting())
            .reconcileInterval(Duration.ofSeconds(10))
            .queue(
                new QueueWorkload(
                    QUEUE,
                    WORKERS,
                    SchedulingRequirements.of(Resources.request(500, 512L << 20, 0)),
                    5,
                    0,
                    10,
                    Duration.ofSeconds(30)),
                queue)
            .jobs(uploads(clock.now().plus(QUIET)));
    for (NodeSpec n : config.nodes()) {
      Supplier<PowerState> outside = power.get(n.name());
      if (outside != null) {
        b.node(n, outside);
      } else {
        // Nodes whose power Eco-Kube manages start off; the rest are always on.
        b.node(n, !n.powerManageable());
      }
    }
    if (drivers != null) {
      b.drivers(drivers);
    }
    beforeStep.forEach(b::beforeStep);
    Simulator sim = b.build();
    addResidentPods(sim);
    return sim;
  }

  /** Runs the scenario to its end and reports. */
  public SimulationReport run() {
    try (Simulator sim = simulator()) {
      return sim.run(LENGTH);
    }
  }

  /** Whether a report shows the scenario's promise kept: all done, worker-2 off, energy saved. */
  public static boolean succeeded(SimulationReport r) {
    List<NodeLifecycle> states = r.states(GREEN_NODE);
    return r.jobsCompleted() == UPLOADS
        && !states.isEmpty()
        && states.get(states.size() - 1) == NodeLifecycle.OFF
        && r.energy().actual().joules() < r.energy().alwaysOn().joules();
  }

  private List<Job> uploads(Instant first) {
    Random random = new Random(seed);
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < UPLOADS; i++) {
      // One upload every 200 ms, as in the original stress test; 30-60 s of transcoding each.
      jobs.add(
          Job.queued(
              "video-" + (i + 1),
              QUEUE,
              first.plusMillis(200L * i),
              Duration.ofSeconds(30 + random.nextInt(31))));
    }
    return jobs;
  }

  /** The always-on services: the web front end and Kafka on worker-1, node agents everywhere. */
  private void addResidentPods(Simulator sim) {
    sim.cluster().addPod(resident("eco-web", "worker-1", 500, 1L << 30, PodKind.WORKLOAD));
    sim.cluster().addPod(resident("kafka-0", "worker-1", 1500, 4L << 30, PodKind.WORKLOAD));
    for (String node : List.of("control-plane", "worker-1")) {
      sim.cluster()
          .addPod(resident("node-exporter-" + node, node, 50, 64L << 20, PodKind.DAEMONSET));
    }
  }

  private static PodInfo resident(String name, String node, long cpu, long mem, PodKind kind) {
    return new PodInfo(
        "eco-stream",
        name,
        kind,
        PodPhase.RUNNING,
        Optional.of(node),
        SchedulingRequirements.of(Resources.request(cpu, mem, 0)),
        Optional.empty(),
        0,
        Optional.of("always-on service"));
  }

  /** Builds an {@link EcoStreamScenario}. */
  public static final class Builder {
    private EcoKubeConfig config;
    private Function<NodeSpec, List<PowerDriver>> drivers;
    private JobQueue queue;
    private long seed = 42;
    private ManualClock clock;
    private EventLoop loop;
    private final Map<String, Supplier<PowerState>> power = new HashMap<>();
    private final List<Runnable> beforeStep = new ArrayList<>();

    private Builder() {}

    /** The virtual clock to run on (default: one starting 2026-03-02T09:00Z). */
    public Builder clock(ManualClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The event loop to run on, shared with whatever else schedules on virtual time (a virtual
     * node's boots and shutdowns); its clock replaces {@link #clock(ManualClock)}.
     */
    public Builder loop(EventLoop loop) {
      this.loop = Objects.requireNonNull(loop, "loop");
      return this;
    }

    /**
     * Takes a node's power state from outside the simulation (a virtual node behind real WOL and
     * SSH drivers): the node is Ready while it reports ON. Use with {@link #drivers(Function)}.
     */
    public Builder power(String node, Supplier<PowerState> state) {
      power.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(state, "state"));
      return this;
    }

    /** Runs a task at the start of every simulation step (a virtual node's scheduler, say). */
    public Builder beforeStep(Runnable task) {
      beforeStep.add(Objects.requireNonNull(task, "task"));
      return this;
    }

    /** Another cluster config (default: the bundled {@code eco-stream.yaml}). */
    public Builder config(EcoKubeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Real driver chains instead of the simulated ones. */
    public Builder drivers(Function<NodeSpec, List<PowerDriver>> drivers) {
      this.drivers = Objects.requireNonNull(drivers, "drivers");
      return this;
    }

    /** Where uploads wait (default: in memory; a Kafka topic in the broker-backed demo). */
    public Builder queue(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** Seed of the transcoding durations (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Builds the scenario. */
    public EcoStreamScenario build() {
      return new EcoStreamScenario(this);
    }
  }
}
