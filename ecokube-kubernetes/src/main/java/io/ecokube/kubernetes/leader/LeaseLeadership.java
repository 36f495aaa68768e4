package io.ecokube.kubernetes.leader;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, through the client library's {@code
 * LeaderElector}. {@link #isLeader()} is the flag the engine loop checks before every step; {@link
 * #gate(ClusterActuator)} and {@link #gate(WorkloadScaler)} wrap the actuators so that a replica
 * that is not (or no longer) the leader cannot touch the cluster, even in the middle of a step.
 * Listeners hear every change. After losing the Lease the replica becomes a candidate again.
 */
public final class LeaseLeadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);

  private final ApiClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private volatile LeaderElector elector;
  private Thread thread;

  /**
   * Creates a candidate; nothing happens until {@link #start()}.
   *
   * @param client the API client (needs get, create, update on the Lease)
   * @param namespace the Lease's namespace
   * @param leaseName the Lease's name
   * @param identity this replica's identity (its pod name)
   * @param leaseDuration how long a Lease holds without renewal (15 s is usual)
   * @param renewDeadline how long the leader keeps trying to renew before it gives up (10 s)
   * @param retryPeriod how often candidates try (2 s)
   */
  public LeaseLeadership(
      ApiClient client,
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
    this.identity = Objects.requireNonNull(identity, "identity");
    if (!(leaseDuration.compareTo(renewDeadline) > 0
        && renewDeadline.compareTo(retryPeriod) > 0
        && !retryPeriod.isNegative()
        && !retryPeriod.isZero())) {
      throw new IllegalArgumentException(
          "leader election needs leaseDuration > renewDeadline > retryPeriod > 0, got "
              + leaseDuration
              + ", "
              + renewDeadline
              + ", "
              + retryPeriod);
    }
    this.leaseDuration = leaseDuration;
    this.renewDeadline = renewDeadline;
    this.retryPeriod = retryPeriod;
  }

  /** Adds a listener told {@code true} on becoming leader and {@code false} on losing it. */
  public void onChange(Consumer<Boolean> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Whether this replica holds the Lease now. */
  public boolean isLeader() {
    return leader.get();
  }

  /** This replica's identity. */
  public String identity() {
    return identity;
  }

  /** Starts campaigning on a named daemon thread. */
  public synchronized void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    thread = new Thread(this::campaign, "ecokube-leader-election");
    thread.setDaemon(true);
    thread.start();
  }

  private void campaign() {
    while (running.get()) {
      AtomicBoolean takenOver = new AtomicBoolean();
      LeaderElectionConfig config =
          new LeaderElectionConfig(
              new LeaseLock(
                  namespace,
                  leaseName,
                  identity,
                  client,
                  holder -> {
                    takenOver.set(true);
                    takenOver(holder);
                  }),
              leaseDuration,
              renewDeadline,
              retryPeriod);
      try (LeaderElector e = new LeaderElector(config)) {
        elector = e;
        // A start that the elector reports late, after the takeover was seen, must not win.
        e.run(
            () -> {
              if (!takenOver.get()) {
                set(true);
              }
            },
            () -> set(false));
      } catch (RuntimeException ex) {
        LOG.warn("leader election on Lease {}/{} failed: {}", namespace, leaseName, ex.toString());
      } finally {
        set(false);
      }
    }
  }

  /**
   * The renew read found another holder: stop acting now, at the next renew, instead of when the
   * elector's renew deadline runs out (until then it would still call this replica the leader). The
   * lock refuses to renew, so the elector ends and the campaign starts again as a candidate.
   */
  private void takenOver(String holder) {
    if (leader.get()) {
      LOG.warn(
          "{}: Lease {}/{} is now held by {}; stopping at once",
          identity,
          namespace,
          leaseName,
          holder);
    }
    set(false);
  }

  private void set(boolean value) {
    if (leader.getAndSet(value) != value) {
      LOG.info(
          "{} {} the Lease {}/{}", identity, value ? "acquired" : "lost", namespace, leaseName);
      for (Consumer<Boolean> l : listeners) {
        try {
          l.accept(value);
        } catch (RuntimeException ex) {
          LOG.warn("leadership listener failed: {}", ex.toString());
        }
      }
    }
  }

  /** Stops campaigning; a leader stops acting at once (its Lease expires for the next one). */
  @Override
  public void close() {
    running.set(false);
    set(false);
    LeaderElector e = elector;
    if (e != null) {
      e.close();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      // Only a campaign stuck in an API call needs the interrupt.
      if (t.isAlive()) {
        t.interrupt();
      }
    }
  }

  /** An actuator that refuses every call while this replica is not the leader. */
  public ClusterActuator gate(ClusterActuator delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return new ClusterActuator() {
      @Override
      public void cordon(String node) throws ActuatorException {
        check("cordon " + node);
        delegate.cordon(node);
      }

      @Override
      public void uncordon(String node) throws ActuatorException {
        check("uncordon " + node);
        delegate.uncordon(node);
      }

      @Override
      public DrainResult drain(String node, Duration timeout) throws ActuatorException {
        check("drain " + node);
        return delegate.drain(node, timeout);
      }

      @Override
      public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
        check("mark " + node);
        delegate.markPoweredOff(node, poweredOff);
      }
    };
  }

  /** A workload scaler that refuses to scale while this replica is not the leader. */
  public WorkloadScaler gate(WorkloadScaler delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return new WorkloadScaler() {
      @Override
      public void scale(WorkloadRef workload, int replicas) throws ActuatorException {
        check("scale " + workload);
        delegate.scale(workload, replicas);
      }

      @Override
      public OptionalInt replicas(WorkloadRef workload) throws ActuatorException {
        return delegate.replicas(workload);
      }
    };
  }

  private void check(String what) throws ActuatorException {
    if (!leader.get()) {
      throw new ActuatorException(
          identity
              + " is not the leader (Lease "
              + namespace
              + "/"
              + leaseName
              + "); refusing to "
              + what);
    }
  }
}
