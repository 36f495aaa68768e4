package io.ecokube.api.text;

import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The "did you mean" hint of an error message about a misspelt name: the closest allowed name by
 * edit distance when it is close enough to be a typo, otherwise the whole list of allowed names.
 */
public final class Suggestions {
  private Suggestions() {}

  /**
   * {@code did you mean 'x'?} when one allowed name is within a few edits of {@code given}, else
   * {@code allowed: [a, b, c]}.
   */
  public static String hint(String given, Collection<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String a : allowed) {
      int d = distance(given.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
      return "did you mean '" + best + "'?";
    }
    return "allowed: " + new TreeSet<>(allowed);
  }

  /** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
