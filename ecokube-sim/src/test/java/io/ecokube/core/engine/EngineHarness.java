package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import io.ecokube.sim.cluster.SimulatedMachine;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Eco-Stream cluster on virtual time: a control plane and worker-1 always on, worker-2 (GPU)
 * managed by the engine; the in-memory cluster and simulated machines of core.
 */
final class EngineHarness implements EngineListener {
  static final long GIB = 1024L * 1024 * 1024;
  static final PowerProfile PROFILE =
      new PowerProfile(5, 120, 300, 200, Duration.ofSeconds(120), Duration.ofSeconds(30));
  static final SchedulingRequirements GPU_POD =
      new SchedulingRequirements(
          Resources.request(2000, 4 * GIB, 1),
          Map.of("zone", "green"),
          List.of(),
          List.of(Toleration.exists("gpu")));

  final ManualClock clock = new ManualClock();
  final InMemoryCluster cluster = new InMemoryCluster(clock);
  final NodeStateStore store;
  final List<NodeTransition> transitions = Collections.synchronizedList(new ArrayList<>());
  final List<ActionOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  final List<Plan> plans = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Function<SimulatedMachine, List<PowerDriver>>> chains = new HashMap<>();
  final SimulatedMachine worker2;
  private int seq;

  EngineHarness() {
    this(NodeStateStore.inMemory());
  }

  EngineHarness(NodeStateStore store) {
    this.store = store;
    cluster.addNode(
        NodeSpec.builder("control-plane")
            .pool("control")
            .allocatable(new Resources(4000, 8 * GIB, 0, 110))
            .controlPlane(true)
            .build(),
        true);
    cluster.addNode(
        NodeSpec.builder("worker-1")
            .pool("workers")
            .allocatable(new Resources(8000, 32 * GIB, 0, 110))
            .power(PROFILE)
            .address(new PowerAddress(List.of(new DriverSpec("sim", Map.of()))))
            .protectedNode(true)
            .build(),
        true);
    worker2 =
        cluster.addNode(
            NodeSpec.builder("worker-2")
                .pool("gpu")
                .label("zone", "green")
                .taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE))
                .allocatable(new Resources(16000, 64 * GIB, 2, 110))
                .power(PROFILE)
                .address(new PowerAddress(List.of(new DriverSpec("sim", Map.of()))))
                .build(),
            false);
  }

  EcoKubeEngine.Builder engine(EnginePolicy policy) {
    return EcoKubeEngine.builder()
        .clusterView(cluster)
        .actuator(cluster)
        .drivers(this::drivers)
        .stateStore(store)
        .policy(policy)
        .clock(clock)
        .executor(ActionExecutor.inline())
        .listener(this);
  }

  EcoKubeEngine.Builder engine(EnginePolicy policy, ClusterActuator actuator) {
    return engine(policy).actuator(actuator);
  }

  List<PowerDriver> drivers(NodeSpec spec) {
    SimulatedMachine m = cluster.machine(spec.name()).orElseThrow();
    Function<SimulatedMachine, List<PowerDriver>> f = chains.get(spec.name());
    return f != null ? f.apply(m) : List.of(new SimulatedPowerDriver(m));
  }

  /** Adds a pending GPU pod; returns its key. */
  String addGpuPod() {
    PodInfo p = PodInfo.pending("video", "encode-" + seq++, GPU_POD);
    cluster.addPod(p);
    return p.key();
  }

  /** Reconciles, then advances the clock; {@code steps} times. */
  void run(EcoKubeEngine e, int steps, Duration every) {
    for (int i = 0; i < steps; i++) {
      e.reconcileOnce();
      clock.advance(every);
    }
  }

  List<NodeLifecycle> statesOf(String node) {
    List<NodeLifecycle> out = new ArrayList<>();
    synchronized (transitions) {
      for (NodeTransition t : transitions) {
        if (t.node().equals(node)) {
          if (out.isEmpty()) {
            out.add(t.from());
          }
          out.add(t.to());
        }
      }
    }
    return out;
  }

  @Override
  public void onPlan(Plan plan) {
    plans.add(plan);
  }

  @Override
  public void onOutcome(ActionOutcome outcome) {
    outcomes.add(outcome);
  }

  @Override
  public void onTransition(NodeTransition transition) {
    transitions.add(transition);
  }
}
