package io.ecokube.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.TokenStreamFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key path of a document stands in its source text. The parsed tree has no locations, so
 * the text is read once more as a token stream and the position of every key and list element is
 * kept under the same path the validation reports problems at ({@code nodes[2].power.bootTime}).
 */
final class SourceLocations {
  private static final int[] UNKNOWN = {0, 0};
  private final Map<String, int[]> byPath;

  private SourceLocations(Map<String, int[]> byPath) {
    this.byPath = byPath;
  }

  /** Locations of a document that the caller has already parsed successfully. */
  static SourceLocations of(TokenStreamFactory factory, String text) {
    Map<String, int[]> out = new HashMap<>();
    try (JsonParser p = factory.createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          continue;
        }
        JsonStreamContext ctx = p.getParsingContext();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          ctx = ctx.getParent();
        }
        JsonLocation at = p.currentTokenLocation();
        out.putIfAbsent(path(ctx), new int[] {at.getLineNr(), at.getColumnNr()});
      }
    } catch (IOException e) {
      // The tree was parsed from the same text; a failure here only costs the locations.
      return new SourceLocations(Map.of());
    }
    return new SourceLocations(out);
  }

  /** An empty index, for documents that are not text (a tree built in code). */
  static SourceLocations none() {
    return new SourceLocations(Map.of());
  }

  /**
   * The line and column of {@code path}, or of its closest enclosing key when the path itself is
   * not in the source (a required key that is missing is reported at its parent); {0, 0} when
   * unknown.
   */
  int[] of(String path) {
    String p = path;
    while (!p.isEmpty()) {
      int[] at = byPath.get(p);
      if (at != null && at[0] > 0) {
        return at;
      }
      p = parent(p);
    }
    return UNKNOWN;
  }

  private static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  private static String path(JsonStreamContext ctx) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    StringBuilder b = new StringBuilder();
    parts.forEach(b::append);
    return b.length() > 0 && b.charAt(0) == '.' ? b.substring(1) : b.toString();
  }
}
