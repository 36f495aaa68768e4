package io.ecokube.kubernetes.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.TestApiServer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1PodTemplate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Task pods on the fake API server; the test plays the kubelet by setting pod phases. A runner
 * closed without cleaning up is a leader that died.
 */
@Timeout(90)
class TaskPodRunnerIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
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

  private TaskPodRunner runner(int concurrency, int attempts, List<TaskOutcome> outcomes) {
    TaskPodRunner r =
        new TaskPodRunner(
            api.client(),
            TaskPodSettings.builder("work")
                .template("otto", TaskTemplate.named("otto-agent"))
                .concurrency(concurrency)
                .attempts(attempts)
                .timeToLive(Duration.ofMinutes(30))
                .build(),
            Clock.system(),
            outcomes::add);
    r.start();
    return r;
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

  private List<V1Pod> unfinished() throws Exception {
    return workers().stream()
        .filter(p -> p.getStatus() == null || p.getStatus().getPhase() == null)
        .toList();
  }

  private static Set<String> names(List<V1Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private void finish(V1Pod p, String phase) throws Exception {
    p.status(new V1PodStatus().phase(phase));
    core.replaceNamespacedPod(p.getMetadata().getName(), "work", p).execute();
  }

  private V1ConfigMap record(String taskId) throws Exception {
    return core.readNamespacedConfigMap(TaskNames.record(TaskNames.key(taskId)), "work").execute();
  }

  private static ScaleEvent up(String task, int pods) {
    return new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto", pods, task);
  }

  @Test
  void runsWorkersBoundedRetriesFailuresCleansUpAndIgnoresDuplicates() throws Exception {
    // A worker of a task nobody recorded (an older controller's).
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
    try (TaskPodRunner runner = runner(2, 2, outcomes)) {
      await().atMost(WAIT).until(() -> workers().isEmpty());

      assertThat(runner.accept(up("build-42", 3))).isEqualTo(Acceptance.ACCEPTED);
      // Recorded before accept returned: what a source acknowledges is in the cluster.
      assertThat(record("build-42").getData())
          .containsEntry("taskId", "build-42")
          .containsEntry("podCount", "3");
      assertThat(runner.accept(up("build-42", 3))).isEqualTo(Acceptance.DUPLICATE);
      assertThat(runner.accept(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "nope", 1, "x")))
          .isEqualTo(Acceptance.REJECTED);
      assertThat(runner.accept(new ScaleEvent(ScaleEvent.Type.SCALE_DOWN, "otto", 1, "y")))
          .isEqualTo(Acceptance.REJECTED);

      // Only two workers at once.
      await().atMost(WAIT).until(() -> workers().size() == 2);
      List<V1Pod> first = workers();
      assertThat(first)
          .allSatisfy(
              p -> {
                assertThat(p.getMetadata().getLabels())
                    .containsEntry(EcoKubeKeys.TASK_ID, TaskNames.key("build-42"))
                    .containsEntry("app", "otto-agent")
                    .containsEntry(TaskPodRunner.ATTEMPT, "1");
                assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
                assertThat(p.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
                assertThat(p.getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("build-42"));
              });
      // One succeeds (and stays until the task ends), one fails (and is retried).
      finish(first.get(0), "Succeeded");
      finish(first.get(1), "Failed");
      String failedIndex = first.get(1).getMetadata().getLabels().get(TaskPodRunner.INDEX);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  unfinished().size() == 2
                      && !names(workers()).contains(first.get(1).getMetadata().getName()));
      assertThat(names(workers())).contains(first.get(0).getMetadata().getName());
      assertThat(unfinished())
          .anySatisfy(
              p -> {
                assertThat(p.getMetadata().getLabels())
                    .containsEntry(TaskPodRunner.INDEX, failedIndex)
                    .containsEntry(TaskPodRunner.ATTEMPT, "2");
                assertThat(p.getMetadata().getName()).endsWith("-" + failedIndex + "-2");
              });
      // The retry fails again (attempts exhausted); the other worker succeeds.
      for (V1Pod p : unfinished()) {
        finish(p, p.getMetadata().getName().endsWith("-2") ? "Failed" : "Succeeded");
      }
      await().atMost(WAIT).until(() -> outcomes.size() == 1);
      assertThat(outcomes.get(0)).isEqualTo(new TaskOutcome("build-42", 3, 2, 1, 1));
      await().atMost(WAIT).until(() -> workers().isEmpty());
      assertThat(runner.activeTasks()).isZero();
      // The finished record stays: a late redelivery is a duplicate, not a second run.
      assertThat(record("build-42").getData())
          .containsKey("finishedAt")
          .containsEntry("outcome", "succeeded=2 failed=1 retries=1");
      assertThat(runner.accept(up("build-42", 3))).isEqualTo(Acceptance.DUPLICATE);
    }
  }

  @Test
  void aNewLeaderAdoptsRunningTasksWithoutLosingOrDuplicatingWorkers() throws Exception {
    List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    TaskPodRunner dying = runner(2, 2, outcomes);
    assertThat(dying.accept(up("task-123", 3))).isEqualTo(Acceptance.ACCEPTED);
    await().atMost(WAIT).until(() -> workers().size() == 2);
    finish(workers().get(0), "Succeeded");
    // The leader dies: nothing cleaned up, the third worker never created.
    dying.close();
    // A task recorded by a leader that died before making any pod.
    new TaskRecords(core, "work").create(up("task-456", 1), Instant.now());
    assertThat(workers()).hasSize(2);

    try (TaskPodRunner next = runner(3, 2, outcomes)) {
      // Adopted: the unfinished worker is watched on, the missing ones created, none twice.
      await().atMost(WAIT).until(() -> workers().size() == 4);
      assertThat(next.activeTasks()).isEqualTo(2);
      Map<String, Long> perWorker =
          workers().stream()
              .collect(
                  Collectors.groupingBy(
                      p ->
                          p.getMetadata().getLabels().get(EcoKubeKeys.TASK_ID)
                              + "/"
                              + p.getMetadata().getLabels().get(TaskPodRunner.INDEX),
                      Collectors.counting()));
      assertThat(perWorker).hasSize(4).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
      // The event redelivered (never acknowledged by the dead leader's source): a duplicate.
      assertThat(next.accept(up("task-123", 3))).isEqualTo(Acceptance.DUPLICATE);

      for (V1Pod p : unfinished()) {
        finish(p, "Succeeded");
      }
      await().atMost(WAIT).until(() -> outcomes.size() == 2);
      assertThat(outcomes)
          .containsExactlyInAnyOrder(
              new TaskOutcome("task-123", 3, 3, 0, 0), new TaskOutcome("task-456", 1, 1, 0, 0));
      await().atMost(WAIT).until(() -> workers().isEmpty());
      assertThat(next.activeTasks()).isZero();
    }
  }

  @Test
  void aCreateTheApiServerCouldNotHandleIsRetriedWithoutSpendingAnAttempt() throws Exception {
    api.failPodCreates("work", 1);
    List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
    // One attempt per worker: had the 500 counted, the task would have failed at once.
    try (TaskPodRunner runner = runner(2, 1, outcomes)) {
      assertThat(runner.accept(up("flaky", 1))).isEqualTo(Acceptance.ACCEPTED);
      await().atMost(WAIT).until(() -> workers().size() == 1);
      assertThat(outcomes).isEmpty();
      V1Pod p = workers().get(0);
      assertThat(p.getMetadata().getLabels()).containsEntry(TaskPodRunner.ATTEMPT, "1");
      finish(p, "Succeeded");
      await().atMost(WAIT).until(() -> outcomes.size() == 1);
      assertThat(outcomes).containsExactly(new TaskOutcome("flaky", 1, 1, 0, 0));
    }
  }

  @Test
  void finishedRecordsAreKeptForTheRetentionThenRemoved() throws Exception {
    Instant[] now = {Instant.parse("2026-12-01T00:00:00Z")};
    TaskRecords records = new TaskRecords(core, "work");
    records.create(up("old", 1), now[0]);
    records.create(up("recent", 1), now[0]);
    TaskRecords.Stored old =
        records.list((n, w) -> {}).stream()
            .filter(s -> s.taskId().equals("old"))
            .findFirst()
            .orElseThrow();
    TaskRecords.Stored recent =
        records.list((n, w) -> {}).stream()
            .filter(s -> s.taskId().equals("recent"))
            .findFirst()
            .orElseThrow();
    records.finish(old, new TaskOutcome("old", 1, 1, 0, 0), now[0].minus(Duration.ofHours(25)));
    records.finish(
        recent, new TaskOutcome("recent", 1, 1, 0, 0), now[0].minus(Duration.ofHours(1)));
    try (TaskPodRunner r =
        new TaskPodRunner(
            api.client(),
            TaskPodSettings.builder("work")
                .template("otto", TaskTemplate.named("otto-agent"))
                .build(),
            () -> now[0],
            o -> {})) {
      r.start();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> record("old"))
                      .isInstanceOfSatisfying(
                          ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404)));
      assertThat(record("recent").getData()).containsKey("finishedAt");
      assertThat(r.accept(up("recent", 1))).isEqualTo(Acceptance.DUPLICATE);
    }
  }
}
