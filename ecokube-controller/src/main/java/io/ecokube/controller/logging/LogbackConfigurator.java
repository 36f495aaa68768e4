package io.ecokube.controller.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration for the controller (found through {@code ServiceLoader}, before
 * any XML file): format and level from the environment ({@link Logging#FORMAT_ENV}, {@link
 * Logging#LEVEL_ENV}). A bad value falls back to text at INFO and says so, since the program has
 * not parsed its command line yet and must still be able to log.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogFormat format = LogFormat.TEXT;
    String level = "INFO";
    String problem = null;
    try {
      format = Logging.format(System.getenv());
      level = Logging.level(System.getenv());
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    Logging.configure(context, format, level, System.err);
    if (problem != null) {
      context
          .getLogger(LogbackConfigurator.class)
          .warn("logging from the environment: {}", problem);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
