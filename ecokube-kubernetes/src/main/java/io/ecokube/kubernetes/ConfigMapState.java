package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * State that a restart or a leader failover must not lose (ledger totals, budget spend), kept as
 * the data of one ConfigMap and written with the resourceVersion last read: when another writer
 * changed it meanwhile the write fails with a conflict instead of silently overwriting, so two
 * replicas that both believe they lead cannot both win.
 */
@KubernetesAccess(
    resources = "configmaps",
    verbs = {"get", "create", "update"},
    scope = Scope.NAMESPACE)
public final class ConfigMapState {
  private final CoreV1Api core;
  private final String namespace;
  private final String name;
  private String resourceVersion;
  private Map<String, String> known = Map.of();

  /** State in ConfigMap {@code namespace/name}, created on the first write. */
  public ConfigMapState(ApiClient client, String namespace, String name) {
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The stored data, or empty when nothing was stored yet. Remembers its resourceVersion. */
  public synchronized Optional<Map<String, String>> load() throws ActuatorException {
    try {
      V1ConfigMap cm = core.readNamespacedConfigMap(name, namespace).execute();
      resourceVersion = cm.getMetadata().getResourceVersion();
      known = cm.getData() == null ? Map.of() : Map.copyOf(cm.getData());
      return Optional.of(known);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        resourceVersion = null;
        known = Map.of();
        return Optional.empty();
      }
      throw ApiErrors.actuator("reading ConfigMap " + where(), e);
    }
  }

  /**
   * Writes the data over what {@link #load()} (or the last save) saw.
   *
   * @throws StateConflictException when another writer changed the ConfigMap since
   * @throws ActuatorException when the API server refused or could not be reached
   */
  public synchronized void save(Map<String, String> data) throws ActuatorException {
    V1ConfigMap cm =
        new V1ConfigMap()
            .apiVersion("v1")
            .kind("ConfigMap")
            .metadata(
                new V1ObjectMeta()
                    .name(name)
                    .namespace(namespace)
                    .resourceVersion(resourceVersion)
                    .putLabelsItem("app.kubernetes.io/managed-by", "ecokube"))
            .data(Map.copyOf(data));
    try {
      V1ConfigMap written =
          resourceVersion == null
              ? core.createNamespacedConfigMap(namespace, cm).execute()
              : core.replaceNamespacedConfigMap(name, namespace, cm).execute();
      resourceVersion = written.getMetadata().getResourceVersion();
      known = Map.copyOf(data);
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        throw new StateConflictException(
            "ConfigMap "
                + where()
                + " was changed by another writer since it was read; not overwriting it (another"
                + " replica may be acting as leader)");
      }
      throw ApiErrors.actuator("writing ConfigMap " + where(), e);
    }
  }

  /**
   * The data as last read or written by this instance, so a writer can change some keys without
   * reading the ConfigMap again (a change by anyone else meanwhile fails the write as a conflict).
   */
  public synchronized Map<String, String> known() {
    return known;
  }

  private String where() {
    return namespace + "/" + name;
  }

  /** Another writer changed the state since this one read it. */
  public static final class StateConflictException extends ActuatorException {
    private static final long serialVersionUID = 1L;

    StateConflictException(String message) {
      super(message);
    }
  }
}
