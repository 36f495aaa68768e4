package io.ecokube.config;

import io.ecokube.api.secret.SecretRef;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code api} section: who may call the controller's JSON API ({@code /api/v1}). Holds a
 * reference only, so it is safe to log.
 *
 * @param token where the bearer token every call must carry is read from; empty: the API answers
 *     401 to every call unless {@code anonymous}
 * @param anonymous answer without a token (local use only; the default is false)
 */
public record ApiSettings(Optional<SecretRef> token, boolean anonymous) {
  /** No token and not anonymous: the API refuses every call until a token is configured. */
  public static final ApiSettings DEFAULT = new ApiSettings(Optional.empty(), false);

  /** Validates. */
  public ApiSettings {
    Objects.requireNonNull(token, "token");
  }
}
