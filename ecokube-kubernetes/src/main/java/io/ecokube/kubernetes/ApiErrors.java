package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ActuatorException;
import io.kubernetes.client.openapi.ApiException;

/**
 * Turns API errors into messages that say what failed and what to check. Public for the {@code crd}
 * sub-package.
 */
public final class ApiErrors {
  private ApiErrors() {}

  /** An exception whose message names what failed and what to check. */
  public static ActuatorException actuator(String what, ApiException e) {
    return new ActuatorException(what + " failed: " + describe(e), e);
  }

  /** What the HTTP status of a failed call means for the operator. */
  public static String describe(ApiException e) {
    int code = e.getCode();
    String hint =
        switch (code) {
          case 0 -> "the API server could not be reached (" + e.getMessage() + ")";
          case 401 -> "HTTP 401: the credentials were refused; check the kubeconfig or token";
          case 403 -> "HTTP 403: forbidden; check the ClusterRole in deploy/ grants this verb";
          case 404 -> "HTTP 404: not found";
          case 409 -> "HTTP 409: conflict (the object changed meanwhile); retry";
          case 422 -> "HTTP 422: the API server rejected the object as invalid";
          case 429 -> "HTTP 429: too many requests or a PodDisruptionBudget refused";
          default -> "HTTP " + code;
        };
    return hint;
  }
}
