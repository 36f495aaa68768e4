package io.ecokube.kubernetes.task;

import java.util.Objects;

/**
 * How a task ended.
 *
 * @param taskId the task
 * @param podCount the worker pods it asked for
 * @param succeeded workers that completed
 * @param failed workers that failed on every attempt (or could not be created)
 * @param retries extra attempts made for workers that failed or could not start
 */
public record TaskOutcome(String taskId, int podCount, int succeeded, int failed, int retries) {
  /** Validates. */
  public TaskOutcome {
    Objects.requireNonNull(taskId, "taskId");
    if (succeeded + failed != podCount) {
      throw new IllegalArgumentException(
          "every worker ends once: " + succeeded + " + " + failed + " != " + podCount);
    }
  }

  /** Whether every worker completed. */
  public boolean successful() {
    return failed == 0;
  }
}
