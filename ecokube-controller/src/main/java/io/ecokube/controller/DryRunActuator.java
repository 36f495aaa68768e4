package io.ecokube.controller;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The actuator of {@code --dry-run}: logs what it would do; changes nothing. */
final class DryRunActuator implements ClusterActuator {
  // Logged under the controller's name, where dry-run output has always appeared.
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesController.class);

  @Override
  public void cordon(String node) {
    LOG.info("[dry run] would cordon {}", node);
  }

  @Override
  public void uncordon(String node) {
    LOG.info("[dry run] would uncordon {}", node);
  }

  @Override
  public DrainResult drain(String node, Duration timeout) throws ActuatorException {
    LOG.info("[dry run] would drain {} (timeout {})", node, timeout);
    return new DrainResult(false, List.of(), "dry run: nothing evicted");
  }

  @Override
  public void markPoweredOff(String node, boolean poweredOff) {
    LOG.info("[dry run] would {} the powered-off mark on {}", poweredOff ? "set" : "clear", node);
  }
}
