package io.ecokube.api.power;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The string settings of one driver for one node, with typed accessors whose errors name the node,
 * the key, the value and what is allowed. Values of secret settings are references ({@code
 * file:/path}, {@code env:NAME}), resolved only when asked for through {@link #secret(String)}.
 *
 * <p>Durations accept ISO-8601 ({@code PT5S}) or a number with a unit suffix: {@code 500ms}, {@code
 * 5s}, {@code 2m}, {@code 1h}.
 */
public final class DriverSettings {
  private final String node;
  private final Map<String, String> values;
  private final SecretResolver secrets;

  /**
   * Creates settings.
   *
   * @param node the node these settings belong to (for error messages)
   * @param values the raw settings; secret settings hold references, never the secret itself
   * @param secrets resolves secret references
   */
  public DriverSettings(String node, Map<String, String> values, SecretResolver secrets) {
    this.node = Objects.requireNonNull(node, "node");
    this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  /** The node these settings belong to. */
  public String node() {
    return node;
  }

  /** The keys present. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** A raw value, if present and not blank. */
  public Optional<String> string(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A value that must be present. */
  public String requireString(String key) {
    return string(key).orElseThrow(() -> error(key, "is required but missing"));
  }

  /** A string with a default. */
  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  /** An integer within [min, max], or the default when absent. */
  public int integer(String key, int defaultValue, int min, int max) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v < min || v > max) {
        throw error(key, "'" + raw.get() + "' is out of range; allowed " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw error(key, "'" + raw.get() + "' is not a whole number; allowed " + min + ".." + max);
    }
  }

  /** A boolean ({@code true}/{@code false}), or the default when absent. */
  public boolean bool(String key, boolean defaultValue) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String v = raw.get().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw error(key, "'" + raw.get() + "' is not a boolean; use true or false");
  }

  /** A positive duration, or the default when absent. */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String problem = "'" + raw.get() + "' is not a positive duration; " + Durations.HINT;
    Duration d;
    try {
      d = Durations.parse(raw.get());
    } catch (IllegalArgumentException e) {
      // Durations names the limit when the text was too long; otherwise say what is expected here.
      throw error(key, e.getMessage().contains("longer than the limit") ? e.getMessage() : problem);
    }
    if (d.isNegative() || d.isZero()) {
      throw error(key, problem);
    }
    return d;
  }

  /** One of the allowed values (case-insensitive), returned in the allowed spelling. */
  public String oneOf(String key, String defaultValue, Set<String> allowed) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(raw.get())) {
        return a;
      }
    }
    throw error(key, "'" + raw.get() + "' is not allowed; use one of " + new TreeSet<>(allowed));
  }

  /**
   * Resolves a secret setting. The setting holds a reference such as {@code
   * file:/etc/ecokube/bmc-pass} or {@code env:BMC_PASSWORD}; errors name the reference, never the
   * secret.
   */
  public Optional<Secret> secret(String key) {
    Optional<String> raw = string(key);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    SecretRef ref;
    try {
      ref = SecretRef.parse(raw.get());
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
    Secret secret;
    try {
      secret = secrets.resolve(ref);
    } catch (RuntimeException e) {
      throw error(key, "cannot read secret " + ref + ": " + e.getMessage());
    }
    if (secret.isEmpty()) {
      throw error(key, "secret " + ref + " is empty; write the secret into it");
    }
    return Optional.of(secret);
  }

  /** A secret that must be present. */
  public Secret requireSecret(String key) {
    return secret(key)
        .orElseThrow(() -> error(key, "is required but missing (a file: or env: reference)"));
  }

  /** An exception naming this node and key. */
  public DriverSettingsException error(String key, String problem) {
    return new DriverSettingsException(node, key, problem);
  }

  /** Lists keys and values, with secret references shown as references (never resolved). */
  @Override
  public String toString() {
    return "DriverSettings" + new TreeMap<>(values);
  }
}
