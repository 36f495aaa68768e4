package io.ecokube.kubernetes.crd;

import com.google.gson.JsonObject;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps NodePools, PowerPolicies and CostPolicies cached (list once, then watch), in one namespace
 * or in all, and calls a listener on every change so the controller reacts without polling.
 *
 * <p>Watching all namespaces means whoever may create these resources in any namespace configures
 * power: by default the controller watches only its own namespace (see the controller's {@code
 * --watch-namespace}).
 */
@KubernetesAccess(
    group = "ecokube.io",
    resources = {"nodepools", "powerpolicies", "costpolicies"},
    verbs = {"list", "watch"})
public final class CustomResourceWatch implements AutoCloseable {
  private final Map<ResourceKind, GenericKubernetesApi<CustomObject, CustomObject.Page>> apis =
      new EnumMap<>(ResourceKind.class);
  private final Map<ResourceKind, SharedIndexInformer<CustomObject>> informers =
      new EnumMap<>(ResourceKind.class);
  // One factory per kind: a factory keeps one informer per Java type, and all three share one.
  private final List<SharedInformerFactory> factories = new ArrayList<>();
  private final Optional<String> namespace;

  /**
   * Creates the informers; nothing is listed until {@link #start()}.
   *
   * @param client the API client (no read timeout: watches are long polls)
   * @param namespace the one namespace to watch, or empty for all
   * @param resync how often cached objects are re-delivered to the listener (zero: never)
   * @param onChange called (on an informer thread) after any add, update or delete
   */
  public CustomResourceWatch(
      ApiClient client, Optional<String> namespace, Duration resync, Runnable onChange) {
    Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(onChange, "onChange");
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ecokube-resources-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ResourceEventHandler<CustomObject> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(CustomObject obj) {
            onChange.run();
          }

          @Override
          public void onUpdate(CustomObject oldObj, CustomObject newObj) {
            onChange.run();
          }

          @Override
          public void onDelete(CustomObject obj, boolean finalStateUnknown) {
            onChange.run();
          }
        };
    for (ResourceKind k : ResourceKind.values()) {
      var api =
          new GenericKubernetesApi<>(
              CustomObject.class,
              CustomObject.Page.class,
              ResourceKind.GROUP,
              ResourceKind.VERSION,
              k.plural(),
              client);
      apis.put(k, api);
      SharedInformerFactory factory = new SharedInformerFactory(client, threads, true);
      factories.add(factory);
      SharedIndexInformer<CustomObject> informer =
          namespace.isPresent()
              ? factory.sharedIndexInformerFor(
                  api, CustomObject.class, resync.toMillis(), namespace.get())
              : factory.sharedIndexInformerFor(api, CustomObject.class, resync.toMillis());
      informer.addEventHandler(handler);
      informers.put(k, informer);
    }
  }

  /**
   * Whether the API server serves the resources: a list of NodePools answers 404 when the CRDs of
   * {@code deploy/crds} are not installed.
   */
  public boolean installed() {
    var api = apis.get(ResourceKind.NODE_POOL);
    ListOptions one = new ListOptions();
    one.setLimit(1);
    KubernetesApiResponse<CustomObject.Page> r =
        namespace.isPresent() ? api.list(namespace.get(), one) : api.list(one);
    return r.getHttpStatusCode() != 404;
  }

  /** Starts the list-and-watch of the three kinds. */
  public void start() {
    factories.forEach(SharedInformerFactory::startAllRegisteredInformers);
  }

  /** Whether every cache has completed its first list. */
  public boolean hasSynced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The cached resources of a kind, oldest first (then by namespace and name). */
  public List<CustomResource> list(ResourceKind kind) {
    List<CustomResource> out = new ArrayList<>();
    for (CustomObject o : informers.get(kind).getIndexer().list()) {
      out.add(of(kind, o));
    }
    out.sort(
        Comparator.comparing(CustomResource::created)
            .thenComparing(CustomResource::namespace)
            .thenComparing(CustomResource::name));
    return out;
  }

  static CustomResource of(ResourceKind kind, CustomObject o) {
    var meta = o.getMetadata();
    Long generation = meta.getGeneration();
    Instant created =
        meta.getCreationTimestamp() == null
            ? Instant.EPOCH
            : meta.getCreationTimestamp().toInstant();
    return new CustomResource(
        kind,
        meta.getNamespace() == null ? "" : meta.getNamespace(),
        meta.getName(),
        meta.getUid() == null ? "" : meta.getUid(),
        generation == null ? 0 : generation,
        created,
        objectText(o.spec()),
        objectText(o.status()));
  }

  private static String objectText(JsonObject e) {
    return e == null ? "{}" : e.toString();
  }

  @Override
  public void close() {
    factories.forEach(f -> f.stopAllRegisteredInformers(true));
  }
}
