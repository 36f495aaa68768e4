package io.ecokube.kubernetes.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.TestApiServer;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1PodTemplate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class TaskPodRunnerIT {
  private TestApiServer api;
  private CoreV1Api core;

  @BeforeEach
  void start() throws Exception {
    api = new TestApiServer();
    core = new CoreV1Api(api.client());
    core.createNamespacedPodTemplate(
            "work",
            new V1PodTemplate()
                .apiVersion("v1")
                .kind("PodTemplate")
                .metadata(new V1ObjectMeta().name("otto-agent").namespace("work"))
                .template(
                    new V1PodTemplateSpec()
                        .metadata(new V1ObjectMeta().labels(Map.of("app", "otto-agent")))
                        .spec(
                            new V1PodSpec()
                                .containers(
                                    List.of(new V1Container().name("agent").image("busybox"))))))
        .execute();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private List<V1Pod> workers() throws Exception {
    return core.listNamespacedPod("work").execute().getItems().stream()
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(
            p ->
                EcoKubeKeys.MANAGED_BY_VALUE.equals(
                    p.getMetadata().getLabels().get(EcoKubeKeys.MANAGED_BY)))
        .toList();
  }

  private void finish(V1Pod p, String phase) throws Exception {
    p.status(new V1PodStatus().phase(phase));
    core.replaceNamespacedPod(p.getMetadata().getName(), "work", p).execute();
  }

  @Test
  void runsWorkersBoundedRetriesFailuresCleansUpAndIgnoresDuplicates() throws Exception {
    // A worker left by a controller that died.
    core.createNamespacedPod(
            "work",
            new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(
                    new V1ObjectMeta()
                        .name("task-old-0-1")
                        .namespace("work")
                        .labels(
                            Map.of(
                                EcoKubeKeys.MANAGED_BY,
                                EcoKubeKeys.MANAGED_BY_VALUE,
                                EcoKubeKeys.TASK_ID,
                                "old")))
                .spec(new V1PodSpec().containers(List.of(new V1Container().name("c")))))
        .execute();
    List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    try (TaskPodRunner runner =
        new TaskPodRunner(
            api.client(), "work", Map.of("otto", "otto-agent"), 2, 2, outcomes::add)) {
      runner.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> workers().isEmpty());

      assertThat(runner.accept(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto", 3, "build-42")))
          .isEqualTo(Acceptance.ACCEPTED);
      assertThat(runner.accept(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto", 3, "build-42")))
          .isEqualTo(Acceptance.DUPLICATE);
      assertThat(runner.accept(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "nope", 1, "x")))
          .isEqualTo(Acceptance.REJECTED);

      // Only two workers at once.
      await().atMost(Duration.ofSeconds(10)).until(() -> workers().size() == 2);
      List<V1Pod> first = workers();
      assertThat(first)
          .allSatisfy(
              p -> {
                assertThat(p.getMetadata().getLabels())
                    .containsEntry(EcoKubeKeys.TASK_ID, "build-42")
                    .containsEntry("app", "otto-agent");
                assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
              });
      // One succeeds, one fails (and is retried).
      finish(first.get(0), "Succeeded");
      finish(first.get(1), "Failed");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                List<V1Pod> now = workers();
                return now.size() == 2
                    && now.stream()
                        .noneMatch(
                            p ->
                                p.getMetadata()
                                    .getName()
                                    .equals(first.get(0).getMetadata().getName()))
                    && now.stream()
                        .noneMatch(
                            p ->
                                p.getMetadata()
                                    .getName()
                                    .equals(first.get(1).getMetadata().getName()));
              });
      String failedIndex = first.get(1).getMetadata().getLabels().get("ecokube.io/task-index");
      assertThat(workers())
          .anySatisfy(
              p -> {
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("ecokube.io/task-index", failedIndex);
                assertThat(p.getMetadata().getName()).endsWith("-2");
              });
      // The retry fails again (attempts exhausted); the other worker succeeds.
      for (V1Pod p : workers()) {
        finish(p, p.getMetadata().getName().endsWith("-2") ? "Failed" : "Succeeded");
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> outcomes.size() == 1);
      assertThat(outcomes.get(0)).isEqualTo(new TaskOutcome("build-42", 3, 2, 1, 1));
      await().atMost(Duration.ofSeconds(10)).until(() -> workers().isEmpty());
      assertThat(runner.activeTasks()).isZero();
    }
  }
}
