package io.ecokube.controller.resources;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which resource wrote which config path, and from which of its fields, so that a problem the
 * loader reports against a config path can be blamed on the resource that caused it and said the
 * way that resource spells it.
 */
final class ConfigOwnership {
  /** Config path prefix -> the resource that wrote it. */
  private final Map<String, String> owners = new HashMap<>();

  /** Config path prefix -> the resource field it came from, for messages. */
  private final Map<String, String> fields = new HashMap<>();

  /** Records that resource {@code key} wrote {@code path} from its field {@code field}. */
  void own(String path, String key, String field) {
    owners.put(path, key);
    fields.putIfAbsent(path, field);
  }

  /** Names the resource field a config path below an owned prefix came from. */
  void field(String path, String field) {
    fields.put(path, field);
  }

  /** The resource that wrote exactly {@code path}, or null. */
  String holder(String path) {
    return owners.get(path);
  }

  boolean isOwned(String path) {
    return owners.containsKey(path);
  }

  /** Who set {@code path}: an older resource or else the config file, for conflict messages. */
  String setBy(String path) {
    String owner = owners.get(path);
    return owner != null ? "the older " + owner : "the config file (" + path + ")";
  }

  /** The resource that wrote the longest config path prefix of {@code path}. */
  Optional<String> owner(String path) {
    String best = null;
    for (String prefix : owners.keySet()) {
      if (covers(prefix, path) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return Optional.ofNullable(best).map(owners::get);
  }

  /** The config path said the way the resource spells it. */
  String translate(String owner, String path) {
    String best = null;
    for (String prefix : fields.keySet()) {
      if (covers(prefix, path)
          && owner.equals(owner(prefix).orElse(""))
          && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best == null) {
      return path;
    }
    // "spec.power.drivers (Node w1)" + "[0].settings.host" reads as the field, then the Node.
    String field = fields.get(best);
    int note = field.indexOf(" (");
    String rest = path.substring(best.length());
    return note < 0 ? field + rest : field.substring(0, note) + rest + field.substring(note);
  }

  private static boolean covers(String prefix, String path) {
    return path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
  }
}
