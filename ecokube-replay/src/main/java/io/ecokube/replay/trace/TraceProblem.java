package io.ecokube.replay.trace;

/**
 * A line of a trace that did not become a job, and why. Traces report every such line: nothing is
 * dropped silently.
 *
 * @param line the 1-based line number
 * @param text the line as it was (trimmed, cut to 120 characters)
 * @param reason what was wrong, with the values
 * @param kind what was wrong, without the values (lines are counted by it)
 */
public record TraceProblem(int line, String text, String reason, String kind) {
  @Override
  public String toString() {
    return "line " + line + ": " + reason + " [" + text + "]";
  }
}
