package io.ecokube.controller;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.controller.state.BudgetStore;
import io.ecokube.controller.state.LedgerStore;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.policy.BudgetState;
import io.ecokube.kubernetes.KubernetesClusterView;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the energy totals across restarts and failovers: the leader continues the totals stored in
 * the cluster, saves them once per reconcile period while it leads, and once more when it stops.
 * The cost budget's spend goes with them in the same write, so a failover cannot overspend it.
 */
final class LedgerContinuity {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesController.class);

  private final EnergyLedger ledger;
  // Null in a dry run: nothing is read from or written to the cluster.
  private final LedgerStore store;
  private final KubernetesClusterView view;
  private boolean continued;
  private ScheduledExecutorService saver;
  // What the running engine spent of its budget windows, read at every save.
  private Supplier<Optional<BudgetState>> budgetSource = Optional::empty;
  // The latest spend known: stored by an earlier replica, or kept by this one's last engine.
  private volatile BudgetState budget;

  LedgerContinuity(EnergyLedger ledger, LedgerStore store, KubernetesClusterView view) {
    this.ledger = ledger;
    this.store = store;
    this.view = view;
  }

  /**
   * The first time this replica leads, its ledger continues the totals stored in the cluster by the
   * replica before it. A replica that leads again keeps its own count: its ledger has been
   * accounting since it first led.
   */
  synchronized void continueStored() {
    if (continued) {
      return;
    }
    continued = true;
    try {
      store.restore(ledger);
      BudgetStore.decode(store.state().known()).ifPresent(b -> budget = b);
    } catch (ActuatorException e) {
      LOG.error(
          "stored energy totals cannot be read: {}; this run's totals are not saved, so they"
              + " cannot overwrite the stored ones",
          e.getMessage());
    }
  }

  /** Accounts every node known now, on or off as the cluster sees it; later nodes are not. */
  void registerNodes() {
    for (ClusterNode n : view.snapshot().nodes()) {
      try {
        ledger.register(n.spec(), n.ready() ? NodeLifecycle.ACTIVE : NodeLifecycle.OFF);
      } catch (IllegalArgumentException alreadyThere) {
        // Leadership came back: the ledger kept counting this node meanwhile.
      }
    }
  }

  /**
   * The budget spend the next engine continues: stored by the replica before, or kept by this
   * replica's previous engine when it leads again.
   */
  Optional<BudgetState> budget() {
    return Optional.ofNullable(budget);
  }

  /**
   * Saves once per {@code period} until {@link #stopSaving()}, with the budget spend {@code
   * budgetSource} reads from the running engine.
   */
  synchronized void startSaving(Duration period, Supplier<Optional<BudgetState>> budgetSource) {
    this.budgetSource = budgetSource;
    saver = Daemons.scheduler("ecokube-state-saver");
    long millis = period.toMillis();
    saver.scheduleWithFixedDelay(this::save, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops the periodic saves, if running, and saves a last time. */
  synchronized void stopSaving() {
    if (saver != null) {
      saver.shutdownNow();
      saver = null;
      save();
    }
  }

  /** At most once per reconcile period: the totals survive a restart or a failover. */
  private void save() {
    try {
      budgetSource.get().ifPresent(b -> budget = b);
      BudgetState b = budget;
      // False only after a failed restore, which said so once.
      store.save(ledger, b == null ? Map.of() : BudgetStore.encode(b));
    } catch (ActuatorException e) {
      LOG.error("energy totals not saved: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("energy totals not saved", e);
    }
  }
}
