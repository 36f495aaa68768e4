package io.ecokube.replay;

import io.ecokube.api.time.Clock;
import io.ecokube.replay.report.TextTable;
import io.ecokube.replay.sim.Replay;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Progress of a replay with an estimate of the time left (from the rate so far). On a terminal, one
 * line redrawn in place with a carriage return, only when the whole percentage or the policy
 * changes, so it costs nothing on long replays. Elsewhere (a log file, CI) a carriage return would
 * pile up one long line, so it prints a full line every {@code every} instead, and at the end.
 */
final class ProgressBar implements Replay.Progress {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;
  private final Duration every;
  private Instant started;
  private Instant lastLine;
  private String policy = "";
  private int percent = -1;
  private boolean printed;

  /**
   * @param out where to draw
   * @param terminal whether {@code out} is a terminal (redraw in place) or not (a line now and
   *     then)
   * @param clock wall time, for the estimate and the line spacing
   * @param every how often a line is printed when not on a terminal
   */
  ProgressBar(PrintStream out, boolean terminal, Clock clock, Duration every) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public synchronized void update(String name, double fraction) {
    double f = Math.max(0, Math.min(1, fraction));
    Instant now = clock.now();
    if (started == null) {
      started = now;
      lastLine = now;
    }
    int p = (int) Math.floor(f * 100);
    if (terminal) {
      if (p == percent && name.equals(policy)) {
        return;
      }
      if (!name.equals(policy) && !policy.isEmpty()) {
        out.print('\n');
      }
      int filled = p * WIDTH / 100;
      out.print(
          String.format(
              Locale.ROOT,
              "\r%-20s [%s%s] %3d%%  %s",
              name,
              "#".repeat(filled),
              ".".repeat(WIDTH - filled),
              p,
              eta(f, now)));
    } else {
      boolean due = !now.isBefore(lastLine.plus(every));
      if (!(due || (p == 100 && percent != 100))) {
        policy = name;
        percent = p;
        return;
      }
      lastLine = now;
      out.println(
          String.format(
              Locale.ROOT,
              "%s: %d%% after %s, %s",
              name,
              p,
              TextTable.duration(Duration.between(started, now).toMillis() / 1000.0),
              eta(f, now)));
    }
    printed = true;
    policy = name;
    percent = p;
    out.flush();
  }

  /** Time left at the rate so far; unknown until some progress was made. */
  private String eta(double fraction, Instant now) {
    if (fraction >= 1) {
      return "done";
    }
    double elapsed = Duration.between(started, now).toMillis() / 1000.0;
    if (fraction < 0.01 || elapsed <= 0) {
      return "ETA --";
    }
    return "ETA " + TextTable.duration(elapsed * (1 - fraction) / fraction);
  }

  /** Ends the line on a terminal. */
  synchronized void done() {
    if (terminal && printed) {
      out.print('\n');
      out.flush();
    }
  }
}
