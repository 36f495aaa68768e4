package io.ecokube.core.lifecycle;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.time.Backoff;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-node power state machine, as pure functions from a record (and what was observed) to the
 * next record:
 *
 * <pre>
 * OFF --WAKE--&gt; BOOTING --Ready (+UNCORDON)--&gt; ACTIVE --DRAIN--&gt; DRAINING --POWER_OFF--&gt;
 *   SHUTTING_DOWN --NotReady after shutdown time--&gt; OFF
 * DRAINING --UNCORDON--&gt; ACTIVE
 * BOOTING --boot timeout / driver error--&gt; OFF (retry after backoff) ... --&gt; FAILED
 * SHUTTING_DOWN --shutdown timeout / driver error--&gt; DRAINING (retry) ... --&gt; FAILED
 * UNKNOWN, FAILED --PROBE--&gt; OFF / ACTIVE (or stay FAILED, re-probed with backoff)
 * </pre>
 *
 * <p>A boot times out after the node's {@code bootTime} plus {@code policy.bootTimeoutGrace}, a
 * shutdown after {@code shutdownTime} plus {@code shutdownTimeoutGrace}. A failed attempt is
 * retried after {@link #backoff} ({@code retryBackoff} doubling per attempt up to {@code
 * maxRetryBackoff}); after {@code attemptsPerDriver} failures (or at once for a failure retrying
 * cannot fix) the next driver of the chain is used ({@link NodeRecord#driverIndex()}); when the
 * chain is spent the node is quarantined in FAILED. A FAILED node is re-probed after the backoff of
 * its failed probes.
 */
public final class Lifecycle {

  /** How long power-on instants are kept in a record: the per-node cycle limit's window. */
  public static final Duration CYCLE_WINDOW = Duration.ofHours(24);

  /**
   * A record after a step, and why it changed.
   *
   * @param record the record after the step (the same instance when nothing changed)
   * @param reason why it changed, empty when it did not
   */
  public record Step(NodeRecord record, Optional<String> reason) {
    /** Validates. */
    public Step {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(reason, "reason");
    }

    static Step same(NodeRecord r) {
      return new Step(r, Optional.empty());
    }

    static Step to(NodeRecord r, String reason) {
      return new Step(r, Optional.of(reason));
    }

    /** Whether the record changed. */
    public boolean changed() {
      return reason.isPresent();
    }
  }

  private Lifecycle() {}

  /** The delay before retry number {@code attempts} (1-based): doubling, capped. */
  public static Duration backoff(EnginePolicy policy, int attempts) {
    return Backoff.exponential(policy.retryBackoff(), policy.maxRetryBackoff())
        .delay(Math.max(0, attempts - 1));
  }

  /** When a node with this record may be retried (woken, powered off or probed) again. */
  public static Instant retryAt(EnginePolicy policy, NodeRecord r) {
    return r.attempts() == 0 ? r.since() : r.since().plus(backoff(policy, r.attempts()));
  }

  /** Power-ons of the record within the cycle window before {@code now}. */
  public static int cyclesWithinDay(NodeRecord r, Instant now) {
    Instant from = now.minus(CYCLE_WINDOW);
    int n = 0;
    for (Instant t : r.powerOns()) {
      if (t.isAfter(from)) {
        n++;
      }
    }
    return n;
  }

  /**
   * What the snapshot says about the node: Ready after boot, boot and shutdown timeouts, a node
   * found Ready or seen for the first time.
   *
   * @param r the record
   * @param node the node in the snapshot
   * @param policy the rules
   * @param now the current instant
   * @param wakeDrivers how many drivers of the node's chain can power it on
   * @param powerOffSteps how many power-off steps its chain has (graceful ones, then forced ones)
   */
  public static Step observe(
      NodeRecord r,
      ClusterNode node,
      EnginePolicy policy,
      Instant now,
      int wakeDrivers,
      int powerOffSteps) {
    var profile = node.spec().power();
    switch (r.state()) {
      case UNKNOWN:
        if (node.ready()) {
          return Step.to(active(r, now, false), "node reports Ready");
        }
        return Step.same(r);
      case OFF:
        if (node.ready()) {
          // Powered on outside Eco-Kube, or a boot that was given up on finished after all.
          return Step.to(active(r, now, false), "node reports Ready although recorded OFF");
        }
        return Step.same(r);
      case BOOTING:
        if (node.ready()) {
          if (!node.cordoned()) {
            return Step.to(active(r, now, true), "node is Ready after boot");
          }
          return Step.same(r);
        }
        Duration bootLimit = profile.bootTime().plus(policy.bootTimeoutGrace());
        if (!now.isBefore(r.since().plus(bootLimit))) {
          return failed(
              r,
              NodeLifecycle.OFF,
              "boot did not reach Ready within " + bootLimit.toSeconds() + " s",
              true,
              policy,
              now,
              wakeDrivers);
        }
        return Step.same(r);
      case SHUTTING_DOWN:
        if (!node.ready() && !now.isBefore(r.since().plus(profile.shutdownTime()))) {
          NodeRecord off =
              new NodeRecord(
                  NodeLifecycle.OFF,
                  now,
                  prune(r.powerOns(), now),
                  Optional.of(now),
                  0,
                  0,
                  Optional.empty());
          return Step.to(off, "node is off");
        }
        Duration offLimit = profile.shutdownTime().plus(policy.shutdownTimeoutGrace());
        if (node.ready() && !now.isBefore(r.since().plus(offLimit))) {
          return failed(
              r,
              NodeLifecycle.DRAINING,
              "node still Ready " + offLimit.toSeconds() + " s after the power-off request",
              true,
              policy,
              now,
              powerOffSteps);
        }
        return Step.same(r);
      default:
        return Step.same(r);
    }
  }

  /** The record once an action has been handed to the executor. */
  public static Step dispatched(NodeRecord r, ActionType type, Instant now, String reason) {
    switch (type) {
      case WAKE:
        return Step.to(
            new NodeRecord(
                NodeLifecycle.BOOTING,
                now,
                r.powerOns(),
                r.lastPoweredOff(),
                r.attempts(),
                r.driverIndex(),
                r.lastError()),
            reason);
      case DRAIN:
        return Step.to(
            new NodeRecord(
                NodeLifecycle.DRAINING,
                now,
                r.powerOns(),
                r.lastPoweredOff(),
                0,
                0,
                Optional.empty()),
            reason);
      case POWER_OFF:
        return Step.to(
            new NodeRecord(
                NodeLifecycle.SHUTTING_DOWN,
                now,
                r.powerOns(),
                r.lastPoweredOff(),
                r.attempts(),
                r.driverIndex(),
                r.lastError()),
            reason);
      default:
        return Step.same(r);
    }
  }

  /**
   * The record after the executor reported that an action failed.
   *
   * @param retryable whether trying the same driver again can help
   * @param steps how many drivers (or power-off steps) the chain has for this action
   */
  public static Step actionFailed(
      NodeRecord r,
      ActionType type,
      String error,
      boolean retryable,
      EnginePolicy policy,
      Instant now,
      int steps) {
    switch (type) {
      case WAKE:
        if (r.state() != NodeLifecycle.BOOTING) {
          return Step.same(r);
        }
        return failed(r, NodeLifecycle.OFF, error, retryable, policy, now, steps);
      case POWER_OFF:
        if (r.state() != NodeLifecycle.SHUTTING_DOWN) {
          return Step.same(r);
        }
        return failed(r, NodeLifecycle.DRAINING, error, retryable, policy, now, steps);
      case DRAIN:
        if (r.state() != NodeLifecycle.DRAINING) {
          return Step.same(r);
        }
        // attempts > 0 on a DRAINING node with work left tells the decision to give it back.
        return Step.to(
            new NodeRecord(
                r.state(),
                r.since(),
                r.powerOns(),
                r.lastPoweredOff(),
                r.attempts() + 1,
                r.driverIndex(),
                Optional.of(error)),
            "drain did not complete: " + error);
      default:
        return Step.to(
            new NodeRecord(
                r.state(),
                r.since(),
                r.powerOns(),
                r.lastPoweredOff(),
                r.attempts(),
                r.driverIndex(),
                Optional.of(error)),
            type + " failed: " + error);
    }
  }

  /** The record after an UNCORDON succeeded: the node is ACTIVE. */
  public static Step uncordoned(NodeRecord r, Instant now) {
    if (r.state() == NodeLifecycle.BOOTING) {
      return Step.to(active(r, now, true), "node is Ready after boot and uncordoned");
    }
    if (r.state() == NodeLifecycle.DRAINING) {
      return Step.to(active(r, now, false), "drain abandoned, node uncordoned and ACTIVE again");
    }
    return Step.same(r);
  }

  /**
   * The record after a probe.
   *
   * @param read the power state a driver read, empty when no driver could read it
   * @param error why reading failed, empty when it did not
   * @param ready whether the snapshot shows the node Ready
   */
  public static Step probed(
      NodeRecord r,
      Optional<PowerState> read,
      Optional<String> error,
      boolean ready,
      EnginePolicy policy,
      Instant now) {
    if (ready) {
      return Step.to(active(r, now, false), "probe: node is Ready");
    }
    if (read.isPresent() && read.get() == PowerState.OFF) {
      return Step.to(
          new NodeRecord(
              NodeLifecycle.OFF,
              now,
              prune(r.powerOns(), now),
              Optional.of(r.lastPoweredOff().orElse(now)),
              0,
              0,
              Optional.empty()),
          "probe: machine is off");
    }
    if (read.isEmpty() && error.isEmpty() && r.state() == NodeLifecycle.UNKNOWN) {
      // No driver can read power: a NotReady node is taken as off; waking it is harmless.
      return Step.to(
          new NodeRecord(
              NodeLifecycle.OFF,
              now,
              r.powerOns(),
              Optional.of(r.lastPoweredOff().orElse(now)),
              0,
              0,
              Optional.empty()),
          "probe: no driver can read power state; NotReady node taken as off");
    }
    String why =
        error.orElse(
            "machine reads " + read.map(Enum::name).orElse("UNKNOWN") + " but node is NotReady");
    return Step.to(
        new NodeRecord(
            NodeLifecycle.FAILED,
            now,
            r.powerOns(),
            r.lastPoweredOff(),
            r.attempts() + 1,
            0,
            Optional.of(why)),
        "probe: "
            + why
            + "; quarantined, next probe in "
            + backoff(policy, r.attempts() + 1).toSeconds()
            + " s");
  }

  private static NodeRecord active(NodeRecord r, Instant now, boolean poweredOn) {
    List<Instant> ons = prune(r.powerOns(), now);
    if (poweredOn) {
      ons = new ArrayList<>(ons);
      ons.add(now);
    }
    return new NodeRecord(
        NodeLifecycle.ACTIVE, now, ons, r.lastPoweredOff(), 0, 0, Optional.empty());
  }

  private static Step failed(
      NodeRecord r,
      NodeLifecycle retryState,
      String error,
      boolean retryable,
      EnginePolicy policy,
      Instant now,
      int steps) {
    int attempts = r.attempts() + 1;
    int driver = r.driverIndex();
    if (!retryable || attempts >= policy.attemptsPerDriver()) {
      driver++;
      attempts = 0;
    }
    if (driver >= steps) {
      NodeRecord failed =
          new NodeRecord(
              NodeLifecycle.FAILED,
              now,
              r.powerOns(),
              r.lastPoweredOff(),
              0,
              0,
              Optional.of(error));
      return Step.to(failed, error + "; every driver of the chain failed: quarantined");
    }
    NodeRecord retry =
        new NodeRecord(
            retryState,
            now,
            r.powerOns(),
            r.lastPoweredOff(),
            attempts,
            driver,
            Optional.of(error));
    String next =
        driver != r.driverIndex()
            ? "falling back to driver #" + (driver + 1) + " of the chain"
            : "retry " + (attempts + 1) + " after " + backoff(policy, attempts).toSeconds() + " s";
    return Step.to(retry, error + "; " + next);
  }

  private static List<Instant> prune(List<Instant> ons, Instant now) {
    Instant from = now.minus(CYCLE_WINDOW);
    if (ons.isEmpty() || ons.get(0).isAfter(from)) {
      return ons;
    }
    List<Instant> kept = new ArrayList<>();
    for (Instant t : ons) {
      if (t.isAfter(from)) {
        kept.add(t);
      }
    }
    return kept;
  }
}
