package io.ecokube.core.decision.rank;

import io.ecokube.core.policy.GreenPreference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Lowest carbon intensity first, then green nodes, then least watts per core. A node's intensity is
 * its {@value #INTENSITY_LABEL} label (grams CO2 per kWh: a rack on its own solar supply, a site on
 * another grid); without that label, or with a value that is not a non-negative number, it is the
 * tariff's grid intensity now. Among equal intensities a node marked green by the policy's {@link
 * GreenPreference} comes first, then the least-watts order decides.
 */
public final class GreenestRanker implements WakeRanker {

  /** The name: {@value}. */
  public static final String NAME = "greenest";

  /** The node label with the node's own carbon intensity in grams CO2 per kWh. */
  public static final String INTENSITY_LABEL = "ecokube.io/carbon-intensity";

  /** Creates the ranker. */
  public GreenestRanker() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context) {
    Map<WakeCandidate, Double> intensity = new IdentityHashMap<>();
    for (WakeCandidate c : candidates) {
      intensity.put(c, intensity(c, context));
    }
    GreenPreference green = context.policy().green();
    List<WakeCandidate> out = new ArrayList<>(candidates);
    out.sort(
        Comparator.comparingDouble((WakeCandidate c) -> intensity.get(c))
            .thenComparing(c -> !green.isGreen(c.node()))
            .thenComparing(LeastWattsRanker.order(green)));
    return out;
  }

  /** The candidate's carbon intensity in grams CO2 per kWh. */
  static double intensity(WakeCandidate c, WakeContext context) {
    OptionalDouble own = ownIntensity(c);
    return own.isPresent() ? own.getAsDouble() : context.tariff().gramsCo2PerKwh(context.now());
  }

  /** The node's own intensity label, when it holds a non-negative number. */
  private static OptionalDouble ownIntensity(WakeCandidate c) {
    String label = c.node().labels().get(INTENSITY_LABEL);
    if (label == null) {
      return OptionalDouble.empty();
    }
    try {
      double v = Double.parseDouble(label.trim());
      return v >= 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    } catch (NumberFormatException e) {
      // Not a number: the grid's intensity applies, as for a node without the label.
      return OptionalDouble.empty();
    }
  }

  @Override
  public String explain(WakeCandidate c, WakeContext context) {
    boolean own = ownIntensity(c).isPresent();
    return String.format(
        Locale.ROOT,
        "the greenest candidate at %.0f g CO2/kWh (%s), %.1f W per core%s",
        intensity(c, context),
        own ? "label " + INTENSITY_LABEL : "grid",
        c.idleWattsPerCore(),
        context.policy().green().isGreen(c.node())
            ? ", green (" + context.policy().green().label() + ")"
            : "");
  }
}
