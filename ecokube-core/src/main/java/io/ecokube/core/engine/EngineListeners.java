package io.ecokube.core.engine;

import io.ecokube.api.plan.EngineListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's listeners; one that throws is logged and the others still hear the event. */
final class EngineListeners {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private final List<EngineListener> listeners;

  EngineListeners(List<EngineListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void tell(Consumer<EngineListener> call) {
    for (EngineListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("engine listener {} threw; ignored", l, e);
      }
    }
  }
}
