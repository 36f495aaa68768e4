package io.ecokube.controller.logging;

import java.util.Locale;

/** How the controller writes log lines: for people ({@code text}) or for log pipelines. */
public enum LogFormat {
  /** {@code 2026-12-07T16:40:00.123Z INFO [thread] logger - message}. */
  TEXT,
  /** One JSON object per line: time, level, logger, thread, message, exception. */
  JSON;

  /**
   * Parses {@code text} or {@code json}, in any case.
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static LogFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + s + "' is not a log format; use text or json", e);
    }
  }
}
