package io.ecokube.kubernetes.crd;

import java.time.Instant;
import java.util.Objects;

/**
 * One cached custom resource: who it is and its spec and status as JSON text (the controller reads
 * them with its own parser).
 *
 * @param kind which resource
 * @param namespace its namespace
 * @param name its name
 * @param uid its uid (Events point at it)
 * @param generation {@code metadata.generation}, which the API server raises on every spec change
 * @param created {@code metadata.creationTimestamp}; when two resources conflict the older wins
 * @param specJson the spec as a JSON object ({@code {}} when absent)
 * @param statusJson the status as a JSON object ({@code {}} when absent)
 */
public record CustomResource(
    ResourceKind kind,
    String namespace,
    String name,
    String uid,
    long generation,
    Instant created,
    String specJson,
    String statusJson) {
  /** Validates. */
  public CustomResource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(specJson, "specJson");
    Objects.requireNonNull(statusJson, "statusJson");
  }

  /** {@code Kind namespace/name}, as messages name it. */
  public String describe() {
    return kind.kind() + " " + namespace + "/" + name;
  }

  @Override
  public String toString() {
    // The spec may hold Secret names; it is never printed whole.
    return describe() + " (generation " + generation + ")";
  }
}
