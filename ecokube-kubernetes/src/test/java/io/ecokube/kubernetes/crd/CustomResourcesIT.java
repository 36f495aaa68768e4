package io.ecokube.kubernetes.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.TestApiServer;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch, the status writer and the Events against the fake API server. */
class CustomResourcesIT {
  private TestApiServer server;
  private CustomObjectsApi custom;

  @BeforeEach
  void start() {
    server = new TestApiServer();
    custom = new CustomObjectsApi(server.client());
    for (ResourceKind k : ResourceKind.values()) {
      server.serveCustomResource(ResourceKind.GROUP, ResourceKind.VERSION, k.kind(), k.plural());
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void create(String ns, ResourceKind kind, String name, Map<String, Object> spec)
      throws Exception {
    custom
        .createNamespacedCustomObject(
            ResourceKind.GROUP,
            ResourceKind.VERSION,
            ns,
            kind.plural(),
            Map.of(
                "apiVersion", ResourceKind.apiVersion(),
                "kind", kind.kind(),
                "metadata", Map.of("name", name, "namespace", ns),
                "spec", spec))
        .execute();
  }

  @Test
  void watchSeesResourcesOfItsNamespaceOnlyAndStatusIsWrittenOnceUntilItChanges() throws Exception {
    AtomicInteger changes = new AtomicInteger();
    try (CustomResourceWatch watch =
        new CustomResourceWatch(
            server.client(), Optional.of("ecokube"), Duration.ZERO, changes::incrementAndGet)) {
      assertThat(watch.installed()).isTrue();
      watch.start();
      await().atMost(Duration.ofSeconds(10)).until(watch::hasSynced);
      create("ecokube", ResourceKind.NODE_POOL, "batch", Map.of("minWarmNodes", 1));
      create("tenant", ResourceKind.NODE_POOL, "sneaky", Map.of("minWarmNodes", 0));
      create("ecokube", ResourceKind.COST_POLICY, "budget", Map.of("budget", Map.of("perHour", 1)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watch.list(ResourceKind.COST_POLICY).size() == 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watch.list(ResourceKind.NODE_POOL).size() == 1);
      CustomResource pool = watch.list(ResourceKind.NODE_POOL).get(0);
      assertThat(pool.name()).isEqualTo("batch");
      assertThat(pool.specJson()).contains("\"minWarmNodes\":1");
      assertThat(changes.get()).isGreaterThanOrEqualTo(2);

      ResourceStatusWriter writer = new ResourceStatusWriter(server.client(), Clock.system());
      List<Condition> ready = List.of(new Condition("Ready", true, "Applied", "in force"));
      List<ResourceStatusWriter.Transition> first =
          writer.write(pool, Map.of("nodesOn", 2, "nodesOff", 1), ready);
      assertThat(first).extracting(t -> t.condition().type()).containsExactly("Ready");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watch.list(ResourceKind.NODE_POOL).get(0).statusJson().contains("nodesOn"));
      CustomResource written = watch.list(ResourceKind.NODE_POOL).get(0);
      assertThat(written.statusJson())
          .contains("\"nodesOff\":1")
          .contains("\"type\":\"Ready\"")
          .contains("\"observedGeneration\"");
      // The same status again: nothing to write, no transition.
      assertThat(writer.write(written, Map.of("nodesOn", 2, "nodesOff", 1), ready)).isEmpty();
      // Ready turns False: one transition, reported as not the first.
      List<ResourceStatusWriter.Transition> flip =
          writer.write(
              written,
              Map.of("nodesOn", 2, "nodesOff", 1),
              List.of(new Condition("Ready", false, "Conflict", "pool defined twice")));
      assertThat(flip).singleElement().satisfies(t -> assertThat(t.first()).isFalse());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> watch.list(ResourceKind.NODE_POOL).get(0).statusJson(),
              st -> st.contains("\"reason\":\"Conflict\""));

      ResourceEvents events = new ResourceEvents(server.client(), Clock.system(), "test");
      events.record(written, true, "Conflict", "pool defined twice");
      List<CoreV1Event> posted =
          new CoreV1Api(server.client()).listNamespacedEvent("ecokube").execute().getItems();
      assertThat(posted)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("NodePool");
                assertThat(e.getInvolvedObject().getName()).isEqualTo("batch");
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getReason()).isEqualTo("Conflict");
              });
    }
  }
}
