package io.ecokube.controller;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.controller.state.LedgerStore;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.kubernetes.KubernetesClusterView;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the energy totals across restarts and failovers: the leader continues the totals stored in
 * the cluster, saves them once per reconcile period while it leads, and once more when it stops.
 */
final class LedgerContinuity {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesController.class);

  private final EnergyLedger ledger;
  // Null in a dry run: nothing is read from or written to the cluster.
  private final LedgerStore store;
  private final KubernetesClusterView view;
  private boolean continued;
  private ScheduledExecutorService saver;

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

  /** Saves once per {@code period} until {@link #stopSaving()}. */
  synchronized void startSaving(Duration period) {
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
      // False only after a failed restore, which said so once.
      store.save(ledger);
    } catch (ActuatorException e) {
      LOG.error("energy totals not saved: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("energy totals not saved", e);
    }
  }
}
