package io.ecokube.examples.architecture.broken.prometheus;

import org.slf4j.simple.SimpleLogger;

/** Breaks the logging rule on purpose: a library names a logging backend. */
public final class ConfiguresLogging {
  SimpleLogger logger;
}
