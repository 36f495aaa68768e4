package io.ecokube.kubernetes;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import java.util.Objects;

/**
 * Resolves {@code k8s:namespace/name/key} from a Kubernetes Secret's data, and hands every other
 * scheme to a fallback ({@link SecretResolver#standard()} for {@code file:} and {@code env:}).
 * Messages name the Secret and key, never the value.
 */
@KubernetesAccess(resources = "secrets", verbs = "get", scope = Scope.NAMESPACE)
public final class KubernetesSecretResolver implements SecretResolver {
  /** The reference scheme this resolver adds. */
  public static final String SCHEME = "k8s";

  private final CoreV1Api core;
  private final SecretResolver fallback;

  /**
   * Creates a resolver.
   *
   * @param client the API client (needs 'get' on the referenced Secrets)
   * @param fallback resolves the other schemes
   */
  public KubernetesSecretResolver(ApiClient client, SecretResolver fallback) {
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public Secret resolve(SecretRef ref) {
    if (!SCHEME.equals(ref.scheme())) {
      return fallback.resolve(ref);
    }
    String[] parts = ref.location().split("/", -1);
    if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
      throw new IllegalArgumentException(
          "secret reference "
              + ref
              + " must be k8s:namespace/name/key (three parts separated by '/')");
    }
    V1Secret s;
    try {
      s = core.readNamespacedSecret(parts[1], parts[0]).execute();
    } catch (ApiException e) {
      String why =
          e.getCode() == 404
              ? "Secret " + parts[0] + "/" + parts[1] + " does not exist"
              : e.getCode() == 403
                  ? "reading Secret "
                      + parts[0]
                      + "/"
                      + parts[1]
                      + " is forbidden; grant 'get' on it to the controller's service account"
                  : "reading Secret "
                      + parts[0]
                      + "/"
                      + parts[1]
                      + " failed: "
                      + ApiErrors.describe(e);
      throw new IllegalArgumentException(why + " (reference " + ref + ")");
    }
    byte[] value = s.getData() == null ? null : s.getData().get(parts[2]);
    if (value == null) {
      throw new IllegalArgumentException(
          "Secret "
              + parts[0]
              + "/"
              + parts[1]
              + " has no key '"
              + parts[2]
              + "' (reference "
              + ref
              + ")");
    }
    return new Secret(value, ref.toString());
  }
}
