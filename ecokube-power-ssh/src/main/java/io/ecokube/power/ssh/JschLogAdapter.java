package io.ecokube.power.ssh;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JSch's log to slf4j under {@code com.jcraft.jsch}, one level quieter than JSch means it:
 * JSch reports every connect and key exchange at INFO, which is debug detail for a controller that
 * powers nodes off all day. Its warnings and errors keep their level.
 */
final class JschLogAdapter implements com.jcraft.jsch.Logger {
  private static final Logger LOG = LoggerFactory.getLogger("com.jcraft.jsch");

  @Override
  public boolean isEnabled(int level) {
    switch (level) {
      case DEBUG:
        return LOG.isTraceEnabled();
      case INFO:
        return LOG.isDebugEnabled();
      case WARN:
        return LOG.isWarnEnabled();
      default:
        return LOG.isErrorEnabled();
    }
  }

  @Override
  public void log(int level, String message) {
    log(level, message, null);
  }

  @Override
  public void log(int level, String message, Throwable cause) {
    switch (level) {
      case DEBUG:
        LOG.trace(message, cause);
        break;
      case INFO:
        LOG.debug(message, cause);
        break;
      case WARN:
        LOG.warn(message, cause);
        break;
      default:
        LOG.error(message, cause);
    }
  }
}
