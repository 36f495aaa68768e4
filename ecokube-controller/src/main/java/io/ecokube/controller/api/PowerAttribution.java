package io.ecokube.controller.api;

import io.ecokube.api.power.PowerException;
import io.ecokube.prometheus.attribution.Attribution;
import java.time.Instant;

/** Where the API gets per-container figures: Kepler through Prometheus in the controller. */
public interface PowerAttribution {
  /** Power now. */
  Attribution power() throws PowerException;

  /** Energy between two instants. */
  Attribution energy(Instant from, Instant to) throws PowerException;
}
