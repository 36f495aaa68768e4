package io.ecokube.controller.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The controller's logging backend, logback, set up in code: every line has a UTC timestamp and a
 * level, as text for people or JSON lines for log pipelines, on standard error (standard output
 * stays for what a command prints, such as {@code validate}'s verdict). Library modules log through
 * slf4j-api only; this is the one place that picks the backend's format.
 *
 * <p>The environment sets the start-up defaults ({@code ECOKUBE_LOG_FORMAT}, {@code
 * ECOKUBE_LOG_LEVEL}; {@link LogbackConfigurator}); {@code run --log-format/--log-level} override
 * them.
 */
public final class Logging {
  /** Environment variable with the default format, {@code text} or {@code json}. */
  public static final String FORMAT_ENV = "ECOKUBE_LOG_FORMAT";

  /** Environment variable with the default level of Eco-Kube's own loggers. */
  public static final String LEVEL_ENV = "ECOKUBE_LOG_LEVEL";

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

  /**
   * Chatty libraries kept at WARN: the Kafka clients log every consumer's whole configuration at
   * INFO, which would bury the controller's own lines.
   */
  private static final Map<String, Level> QUIET = Map.of("org.apache.kafka", Level.WARN);

  private Logging() {}

  /** The format the environment asks for; text when it names none. */
  public static LogFormat format(Map<String, String> env) {
    String f = env.get(FORMAT_ENV);
    return f == null || f.isBlank() ? LogFormat.TEXT : LogFormat.parse(f);
  }

  /** The level the environment asks for; INFO when it names none. */
  public static String level(Map<String, String> env) {
    String l = env.get(LEVEL_ENV);
    return l == null || l.isBlank() ? "INFO" : checkLevel(l);
  }

  /**
   * Checks a level name.
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static String checkLevel(String level) {
    String l = level.trim().toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(l)) {
      throw new IllegalArgumentException(
          "'" + level + "' is not a log level; use trace, debug, info, warn or error");
    }
    return l;
  }

  /** Sends every log line to standard error in {@code format}, Eco-Kube's at {@code level}. */
  public static void configure(LogFormat format, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      configure(context, format, level, System.err);
    }
  }

  /** Replaces the context's configuration: one appender to {@code out}. */
  static void configure(LoggerContext context, LogFormat format, String level, OutputStream out) {
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == LogFormat.JSON) {
      encoder = new JsonLinesEncoder();
    } else {
      PatternLayoutEncoder p = new PatternLayoutEncoder();
      p.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level [%thread] %logger{36} - %msg%n");
      encoder = p;
    }
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(format == LogFormat.JSON ? "json" : "text");
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setImmediateFlush(true);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    context.getLogger("io.ecokube").setLevel(Level.toLevel(checkLevel(level)));
    QUIET.forEach((name, l) -> context.getLogger(name).setLevel(l));
  }
}
