package io.ecokube.core.decision.rank;

/**
 * A {@link java.util.ServiceLoader} entry point for a user's {@link WakeRanker}: list the class in
 * {@code META-INF/services/io.ecokube.core.decision.rank.WakeRankerProvider} and pick it with
 * {@code EnginePolicy.Builder#wakeRanker(name())}. Names are unique across built-in and provided
 * rankers.
 */
public interface WakeRankerProvider {

  /** The name the policy picks the ranker by (lower case, digits and dashes by convention). */
  String name();

  /** Creates the ranker; called once per registry. */
  WakeRanker create();
}
