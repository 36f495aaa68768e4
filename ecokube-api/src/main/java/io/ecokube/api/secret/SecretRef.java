package io.ecokube.api.secret;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a secret lives: {@code file:/path/to/file} (the file's content, trailing newline removed)
 * or {@code env:NAME} (an environment variable). Config holds references, never secrets.
 *
 * @param scheme {@code file}, {@code env}, or a scheme a custom {@link SecretResolver} understands
 * @param location the path or variable name
 */
public record SecretRef(String scheme, String location) {
  /** Validates the reference. */
  public SecretRef {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(location, "location");
    if (scheme.isBlank() || location.isBlank()) {
      throw new IllegalArgumentException("a secret reference needs a scheme and a location");
    }
  }

  /**
   * Parses {@code scheme:location}.
   *
   * @throws IllegalArgumentException when the text is not a reference; the message does not repeat
   *     the text, since a user may have pasted a secret by mistake
   */
  public static SecretRef parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "not a secret reference; write file:/path/to/secret or env:VARIABLE_NAME"
              + " (secrets are never written inline)");
    }
    String scheme = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
      throw new IllegalArgumentException(
          "not a secret reference; write file:/path/to/secret or env:VARIABLE_NAME"
              + " (secrets are never written inline)");
    }
    return new SecretRef(scheme, text.substring(colon + 1).trim());
  }

  @Override
  public String toString() {
    return scheme + ":" + location;
  }
}
