package io.ecokube.test.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's exit and halt calls, refused (they throw, so the test fails instead of the JVM dying) and
 * recorded. Kafka's {@link Exit} procedures are global to the JVM, so the trap installed last
 * receives the calls: each broker installs its own when it starts.
 */
final class ExitTrap {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  private ExitTrap() {}

  /** Installs a new trap as Kafka's exit and halt procedure. */
  static ExitTrap install() {
    ExitTrap t = new ExitTrap();
    Exit.Procedure trap =
        (code, message) -> {
          String call = "Kafka asked the JVM to exit with status " + code + ": " + message;
          LOG.error("{} (refused: the test fails instead of the JVM dying)", call);
          t.calls.add(call);
          throw new IllegalStateException(call);
        };
    synchronized (ExitTrap.class) {
      Exit.setExitProcedure(trap);
      Exit.setHaltProcedure(trap);
    }
    return t;
  }

  /** The calls this trap refused so far. */
  List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }
}
