package io.ecokube.replay;

import io.ecokube.replay.sim.Replay;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal: redrawn in place with a carriage return, only when the
 * whole percentage or the policy changes, so it costs nothing on long replays.
 */
final class ProgressBar implements Replay.Progress {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private String policy = "";
  private int percent = -1;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void update(String name, double fraction) {
    int p = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    if (p == percent && name.equals(policy)) {
      return;
    }
    if (!name.equals(policy) && !policy.isEmpty()) {
      out.print('\n');
    }
    policy = name;
    percent = p;
    int filled = p * WIDTH / 100;
    out.print(
        String.format(
            Locale.ROOT,
            "\r%-20s [%s%s] %3d%%",
            name,
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            p));
    out.flush();
  }

  /** Ends the line. */
  void done() {
    if (!policy.isEmpty()) {
      out.print('\n');
      out.flush();
    }
  }
}
