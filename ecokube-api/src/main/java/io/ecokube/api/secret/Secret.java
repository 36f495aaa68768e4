package io.ecokube.api.secret;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A resolved secret (password, key, token). Its {@link #toString()} never shows the value, so it is
 * safe in logs and exception messages; {@link #reveal()} hands the value to the one place that
 * needs it.
 */
public final class Secret {
  private final byte[] value;
  private final String source;

  /**
   * Wraps a secret value.
   *
   * @param value the secret bytes (copied)
   * @param source where it came from, for messages ({@code file:/etc/x}); never the value
   */
  public Secret(byte[] value, String source) {
    this.value = Objects.requireNonNull(value, "value").clone();
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Wraps a secret given as text (UTF-8). */
  public static Secret of(String value, String source) {
    return new Secret(
        Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8), source);
  }

  /** The secret bytes; a copy, so callers may wipe it. */
  public byte[] reveal() {
    return value.clone();
  }

  /** The secret as UTF-8 text. */
  public String revealAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** Where the secret came from. */
  public String source() {
    return source;
  }

  /** Whether the secret is empty. */
  public boolean isEmpty() {
    return value.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && Arrays.equals(value, s.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Secret[" + source + ", ****]";
  }
}
