package io.ecokube.predict.energy;

/**
 * What the predictor needs to know about the node a container runs (or will run) on.
 *
 * @param otherContainers how many other containers share the node; the node's idle power is split
 *     equally among them and this one
 */
public record NodeContext(int otherContainers) {
  /** Validates. */
  public NodeContext {
    if (otherContainers < 0) {
      throw new IllegalArgumentException("otherContainers must be >= 0, got " + otherContainers);
    }
  }

  /** The container runs alone on the node. */
  public static NodeContext alone() {
    return new NodeContext(0);
  }
}
