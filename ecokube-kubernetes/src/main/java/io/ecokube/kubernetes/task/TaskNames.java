package io.ecokube.kubernetes.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names derived from a task id, the same in every replica and every run: that is what makes a
 * redelivered event or a new leader find the task's record and pods instead of making new ones. The
 * key is the id made fit for a name and a label value, plus a hash of the exact id, so two ids that
 * differ only in characters a name cannot hold still get different keys.
 */
final class TaskNames {
  private TaskNames() {}

  /** Prefix of task record ConfigMaps. */
  static final String RECORD_PREFIX = "ecokube-task-";

  /** A task's key: at most 39 characters of {@code [a-z0-9-]}, starting and ending alphanumeric. */
  static String key(String taskId) {
    String base =
        taskId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    if (base.length() > 30) {
      base = base.substring(0, 30).replaceAll("-+$", "");
    }
    return (base.isEmpty() ? "t" : base) + "-" + hash(taskId);
  }

  /** The name of the task's record ConfigMap. */
  static String record(String key) {
    return RECORD_PREFIX + key;
  }

  /** The name of worker {@code index}'s pod at {@code attempt} (from 1). */
  static String pod(String key, int index, int attempt) {
    return "task-" + key + "-" + index + "-" + attempt;
  }

  private static String hash(String taskId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(taskId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
