package io.ecokube.core.decision.rank;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds wake rankers by name: the built-in ones and those of every {@link WakeRankerProvider} that
 * {@link ServiceLoader} finds through the class loader that loaded Eco-Kube. The providers are
 * looked up once, on first use; a provider whose name is blank or taken by another ranker makes the
 * lookup fail with a message naming both.
 */
public final class WakeRankers {

  /** The name of the default ranker. */
  public static final String DEFAULT = LeastWattsRanker.NAME;

  private WakeRankers() {}

  /**
   * The registry, loaded on first use (so that loading the policy classes does not scan the class
   * path) and never changed: the holder idiom, no mutable static field. A provider that fails the
   * load is kept as its own exception, thrown again on every call, rather than left to surface as
   * an opaque {@code NoClassDefFoundError}.
   */
  private static final class Loaded {
    static final Map<String, WakeRanker> BY_NAME;
    static final RuntimeException FAILURE;

    static {
      Map<String, WakeRanker> m = null;
      RuntimeException failure = null;
      try {
        m = load();
      } catch (RuntimeException | java.util.ServiceConfigurationError e) {
        failure =
            e instanceof RuntimeException r
                ? r
                : new IllegalStateException("cannot load the wake ranker plugins: " + e, e);
      }
      BY_NAME = m;
      FAILURE = failure;
    }

    private Loaded() {}
  }

  private static Map<String, WakeRanker> registry() {
    if (Loaded.FAILURE != null) {
      throw new IllegalStateException(Loaded.FAILURE.getMessage(), Loaded.FAILURE);
    }
    return Loaded.BY_NAME;
  }

  private static Map<String, WakeRanker> load() {
    Map<String, WakeRanker> m = new TreeMap<>();
    for (WakeRanker r :
        List.of(
            new LeastWattsRanker(),
            new GreenestRanker(),
            new LeastWasteRanker(),
            new PriorityRanker())) {
      m.put(r.name(), r);
    }
    for (WakeRankerProvider p :
        ServiceLoader.load(WakeRankerProvider.class, WakeRankers.class.getClassLoader())) {
      String name = p.name();
      if (name == null || name.isBlank()) {
        throw new IllegalStateException(
            "wake ranker provider " + p.getClass().getName() + " has a blank name");
      }
      WakeRanker before = m.get(name);
      if (before != null) {
        throw new IllegalStateException(
            "wake ranker name '"
                + name
                + "' of provider "
                + p.getClass().getName()
                + " is already taken by "
                + before.getClass().getName()
                + "; give the provider another name");
      }
      WakeRanker r = Objects.requireNonNull(p.create(), () -> name + " provider created null");
      m.put(name, r);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The ranker of the given name.
   *
   * @throws IllegalArgumentException when no ranker has that name; the message lists the known ones
   */
  public static WakeRanker named(String name) {
    Objects.requireNonNull(name, "wakeRanker");
    WakeRanker r = registry().get(name);
    if (r == null) {
      throw new IllegalArgumentException(
          "unknown wakeRanker '"
              + name
              + "'; known rankers: "
              + String.join(", ", names())
              + " (a plugin adds one through a WakeRankerProvider in"
              + " META-INF/services/io.ecokube.core.decision.rank.WakeRankerProvider)");
    }
    return r;
  }

  /** The names of every known ranker, sorted. */
  public static List<String> names() {
    return List.copyOf(registry().keySet());
  }
}
