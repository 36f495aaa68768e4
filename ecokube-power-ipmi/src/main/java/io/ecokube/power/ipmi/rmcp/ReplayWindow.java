package io.ecokube.power.ipmi.rmcp;

/**
 * Rejects replayed packets of an authenticated session by their session sequence number, with a
 * sliding window like the one IPMI v2.0 (section 6.12.13) asks BMCs to keep: a number above the
 * highest seen is accepted and moves the window; one up to {@value #SIZE} below it is accepted
 * once; anything older, a repeat, or zero is refused. Numbers wrap at 2^32.
 */
public final class ReplayWindow {
  static final int SIZE = 16;

  private boolean started;
  private int highest;
  private int seen; // bit i: highest - i was seen

  /** An empty window. */
  public ReplayWindow() {}

  /** Whether the number is fresh; if so, it is remembered. */
  public boolean accept(int sequence) {
    if (sequence == 0) {
      return false;
    }
    if (!started) {
      started = true;
      highest = sequence;
      seen = 1;
      return true;
    }
    int ahead = sequence - highest;
    if (ahead > 0) {
      seen = ahead >= SIZE ? 1 : (seen << ahead) | 1;
      highest = sequence;
      return true;
    }
    int behind = -ahead;
    if (behind >= SIZE || (seen & (1 << behind)) != 0) {
      return false;
    }
    seen |= 1 << behind;
    return true;
  }
}
