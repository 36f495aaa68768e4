package io.ecokube.kubernetes.crd;

import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.ApiErrors;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on Eco-Kube's custom resources, so {@code kubectl describe nodepool batch} shows why its
 * conditions changed. Recorded only when a condition changes, which is rare, so they are posted
 * directly from the status loop's thread; a failed post is logged and dropped.
 */
@KubernetesAccess(resources = "events", verbs = "create")
public final class ResourceEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceEvents.class);
  private final CoreV1Api core;
  private final Clock clock;
  private final String instance;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param client the API client
   * @param clock stamps the Events
   * @param instance this replica's identity (the Events' reportingInstance)
   */
  public ResourceEvents(ApiClient client, Clock clock, String instance) {
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.instance = Objects.requireNonNull(instance, "instance");
  }

  /**
   * Posts one Event on the resource.
   *
   * @param warning a Warning (else Normal)
   * @param reason one CamelCase word
   * @param message what happened, at most about 1 KiB
   */
  public void record(CustomResource on, boolean warning, String reason, String message) {
    var now = clock.now().atOffset(ZoneOffset.UTC);
    String text = message.length() > 1000 ? message.substring(0, 997) + "..." : message;
    CoreV1Event e =
        new CoreV1Event()
            .apiVersion("v1")
            .kind("Event")
            .metadata(
                new V1ObjectMeta()
                    .namespace(on.namespace())
                    .name(
                        on.name()
                            + "."
                            + Long.toHexString(clock.millis())
                            + Long.toHexString(sequence.incrementAndGet())))
            .involvedObject(
                new V1ObjectReference()
                    .apiVersion(ResourceKind.apiVersion())
                    .kind(on.kind().kind())
                    .namespace(on.namespace())
                    .name(on.name())
                    .uid(on.uid()))
            .type(warning ? "Warning" : "Normal")
            .reason(reason)
            .message(text)
            .source(new V1EventSource().component("ecokube"))
            .reportingComponent("ecokube")
            .reportingInstance(instance)
            .firstTimestamp(now)
            .lastTimestamp(now)
            .count(1);
    try {
      core.createNamespacedEvent(on.namespace(), e).execute();
    } catch (ApiException ex) {
      LOG.warn("event {} on {} not recorded: {}", reason, on.describe(), ApiErrors.describe(ex));
    }
  }
}
