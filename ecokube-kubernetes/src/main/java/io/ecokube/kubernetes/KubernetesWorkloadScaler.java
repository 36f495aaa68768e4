package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.PatchUtils;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales Deployments and StatefulSets. By default through the {@code scale} subresource, which is
 * what HPA and {@code kubectl scale} use and needs only 'get'/'patch' on {@code deployments/scale};
 * when the API server does not serve it (404/405, or an answer that is not a Scale) it falls back
 * to a JSON merge patch on {@code spec.replicas} and says so once in the log. {@link
 * Mode#SPEC_PATCH} patches {@code spec.replicas} from the start.
 */
@KubernetesAccess(
    group = "apps",
    resources = {"deployments", "statefulsets", "deployments/scale", "statefulsets/scale"},
    verbs = {"get", "patch"},
    feature = "workload-scaling")
public final class KubernetesWorkloadScaler implements WorkloadScaler {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesWorkloadScaler.class);

  /** How replicas are read and written. */
  public enum Mode {
    /** The scale subresource, falling back to {@link #SPEC_PATCH} when it is not served. */
    SUBRESOURCE,
    /** A merge patch on {@code spec.replicas} of the workload itself. */
    SPEC_PATCH
  }

  private final ApiClient client;
  private final AppsV1Api apps;
  private final AtomicBoolean useSubresource;

  /** Creates a scaler. */
  public KubernetesWorkloadScaler(ApiClient client, Mode mode) {
    this.client = Objects.requireNonNull(client, "client");
    this.apps = new AppsV1Api(client);
    this.useSubresource =
        new AtomicBoolean(Objects.requireNonNull(mode, "mode") == Mode.SUBRESOURCE);
  }

  /** Whether the scale subresource is (still) used. */
  public boolean usesSubresource() {
    return useSubresource.get();
  }

  @Override
  public void scale(WorkloadRef w, int replicas) throws ActuatorException {
    if (replicas < 0) {
      throw new IllegalArgumentException(w + ": replicas must be >= 0, got " + replicas);
    }
    String patch = "{\"spec\":{\"replicas\":" + replicas + "}}";
    boolean deployment = kind(w);
    if (useSubresource.get()) {
      try {
        V1Scale s =
            PatchUtils.patch(
                V1Scale.class,
                () ->
                    deployment
                        ? apps.patchNamespacedDeploymentScale(
                                w.name(), w.namespace(), new V1Patch(patch))
                            .buildCall(null)
                        : apps.patchNamespacedStatefulSetScale(
                                w.name(), w.namespace(), new V1Patch(patch))
                            .buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client);
        Objects.requireNonNull(s, "scale");
        return;
      } catch (ApiException e) {
        if (e.getCode() != 404 && e.getCode() != 405) {
          throw ApiErrors.actuator("scaling " + w + " to " + replicas, e);
        }
        fallBack(w, "HTTP " + e.getCode());
      } catch (IllegalArgumentException | com.google.gson.JsonParseException e) {
        fallBack(w, "the answer was not a Scale");
      }
    }
    try {
      if (deployment) {
        PatchUtils.patch(
            V1Deployment.class,
            () ->
                apps.patchNamespacedDeployment(w.name(), w.namespace(), new V1Patch(patch))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            client);
      } else {
        PatchUtils.patch(
            V1StatefulSet.class,
            () ->
                apps.patchNamespacedStatefulSet(w.name(), w.namespace(), new V1Patch(patch))
                    .buildCall(null),
            V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
            client);
      }
    } catch (ApiException e) {
      throw ApiErrors.actuator("scaling " + w + " to " + replicas, e);
    }
  }

  @Override
  public OptionalInt replicas(WorkloadRef w) throws ActuatorException {
    boolean deployment = kind(w);
    if (useSubresource.get()) {
      try {
        V1Scale s =
            deployment
                ? apps.readNamespacedDeploymentScale(w.name(), w.namespace()).execute()
                : apps.readNamespacedStatefulSetScale(w.name(), w.namespace()).execute();
        Integer r = s.getSpec() == null ? null : s.getSpec().getReplicas();
        return OptionalInt.of(r == null ? 0 : r);
      } catch (ApiException e) {
        if (e.getCode() == 404) {
          // A missing workload and a missing subresource look alike; the spec read below tells.
          return specReplicas(w, deployment);
        }
        if (e.getCode() != 405) {
          throw ApiErrors.actuator("reading the replicas of " + w, e);
        }
        fallBack(w, "HTTP 405");
      } catch (IllegalArgumentException | com.google.gson.JsonParseException e) {
        fallBack(w, "the answer was not a Scale");
      }
    }
    return specReplicas(w, deployment);
  }

  private OptionalInt specReplicas(WorkloadRef w, boolean deployment) throws ActuatorException {
    try {
      Integer r =
          deployment
              ? apps.readNamespacedDeployment(w.name(), w.namespace())
                  .execute()
                  .getSpec()
                  .getReplicas()
              : apps.readNamespacedStatefulSet(w.name(), w.namespace())
                  .execute()
                  .getSpec()
                  .getReplicas();
      // The API server defaults an unset spec.replicas to 1.
      return OptionalInt.of(r == null ? 1 : r);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return OptionalInt.empty();
      }
      throw ApiErrors.actuator("reading the replicas of " + w, e);
    }
  }

  private void fallBack(WorkloadRef w, String why) {
    if (useSubresource.compareAndSet(true, false)) {
      LOG.warn(
          "the API server does not serve the scale subresource for {} ({}); patching spec.replicas"
              + " from now on",
          w,
          why);
    }
  }

  private static boolean kind(WorkloadRef w) {
    return switch (w.kind()) {
      case "Deployment" -> true;
      case "StatefulSet" -> false;
      default ->
          throw new IllegalArgumentException(
              w + ": only Deployment and StatefulSet can be scaled here, not '" + w.kind() + "'");
    };
  }
}
