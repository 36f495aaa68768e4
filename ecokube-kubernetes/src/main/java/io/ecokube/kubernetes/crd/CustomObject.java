package io.ecokube.kubernetes.crd;

import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of any of Eco-Kube's custom resources for the client's Gson: metadata typed, spec
 * and status kept as JSON. (The client's dynamic object types need a type adapter registered on the
 * shared client; these plain classes do not.)
 */
final class CustomObject implements KubernetesObject {
  private String apiVersion;
  private String kind;
  private V1ObjectMeta metadata;
  private JsonObject spec;
  private JsonObject status;

  @Override
  public V1ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  JsonObject spec() {
    return spec;
  }

  JsonObject status() {
    return status;
  }

  /** A list of them, as the API server answers a list call. */
  static final class Page implements KubernetesListObject {
    private String apiVersion;
    private String kind;
    private V1ListMeta metadata;
    private List<CustomObject> items = new ArrayList<>();

    @Override
    public V1ListMeta getMetadata() {
      return metadata;
    }

    @Override
    public List<? extends KubernetesObject> getItems() {
      return items;
    }

    @Override
    public String getApiVersion() {
      return apiVersion;
    }

    @Override
    public String getKind() {
      return kind;
    }
  }
}
