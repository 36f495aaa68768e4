package io.ecokube.controller.api;

import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.EnergyTotals;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The ledger's cumulative totals over time, so the API can answer "how much between these two
 * instants" and "how much in each hour": the ledger itself only knows totals since it started.
 *
 * <p>{@link #sample()} records the ledger's report; the figure at an instant between two samples is
 * interpolated linearly (the ledger integrates constant power between events, so between samples a
 * straight line is what it would have said at most one sample period apart). Samples are kept up to
 * a capacity, oldest dropped first; a period reaching before the oldest sample is answered from the
 * oldest, and says so ({@link Period#from}).
 */
public final class LedgerHistory {
  private final Supplier<EnergyReport> ledger;
  private final int capacity;
  private final Deque<Point> points = new ArrayDeque<>();

  /** A point: cumulative totals at an instant. */
  private record Point(Instant at, EnergyTotals actual, EnergyTotals alwaysOn) {}

  /**
   * Totals between two instants.
   *
   * @param from the start actually covered (later than asked when history does not reach back)
   * @param to the end actually covered
   * @param actual what the cluster drew
   * @param alwaysOn what it would have drawn with every node on
   */
  public record Period(Instant from, Instant to, EnergyTotals actual, EnergyTotals alwaysOn) {
    /** Validates. */
    public Period {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(actual, "actual");
      Objects.requireNonNull(alwaysOn, "alwaysOn");
    }

    /** Always-on less actual. */
    public EnergyTotals saved() {
      return alwaysOn.minus(actual);
    }
  }

  /**
   * A history of the ledger's reports.
   *
   * @param ledger the ledger's report now (cumulative since it started)
   * @param capacity samples kept, at least 2
   */
  public LedgerHistory(Supplier<EnergyReport> ledger, int capacity) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records the ledger's totals now. */
  public void sample() {
    EnergyReport r = ledger.get();
    synchronized (this) {
      if (!points.isEmpty() && !r.to().isAfter(points.peekLast().at())) {
        return;
      }
      if (points.isEmpty()) {
        // The ledger's start is a point too: nothing was accounted before it.
        EnergyTotals zero = EnergyTotals.ZERO;
        if (r.from().isBefore(r.to())) {
          points.add(new Point(r.from(), zero, zero));
        }
      }
      points.add(new Point(r.to(), r.actual(), r.alwaysOn()));
      while (points.size() > capacity) {
        points.removeFirst();
      }
    }
  }

  /** The period between two instants, within what the history covers; {@code from < to}. */
  public Period between(Instant from, Instant to) {
    sample();
    List<Point> copy;
    synchronized (this) {
      copy = new ArrayList<>(points);
    }
    Instant first = copy.get(0).at();
    Instant last = copy.get(copy.size() - 1).at();
    Instant f = from.isBefore(first) ? first : from;
    Instant t = to.isAfter(last) ? last : to;
    if (!f.isBefore(t)) {
      return new Period(f, f, EnergyTotals.ZERO, EnergyTotals.ZERO);
    }
    Point a = at(copy, f);
    Point b = at(copy, t);
    return new Period(f, t, b.actual().minus(a.actual()), b.alwaysOn().minus(a.alwaysOn()));
  }

  /** The earliest instant the history covers. */
  public synchronized Instant since() {
    return points.isEmpty() ? ledger.get().from() : points.peekFirst().at();
  }

  private static Point at(List<Point> points, Instant t) {
    Point prev = points.get(0);
    for (Point p : points) {
      if (!p.at().isBefore(t)) {
        if (p.at().equals(t) || p == prev) {
          return p;
        }
        double span = p.at().toEpochMilli() - prev.at().toEpochMilli();
        double w = (t.toEpochMilli() - prev.at().toEpochMilli()) / span;
        return new Point(
            t, lerp(prev.actual(), p.actual(), w), lerp(prev.alwaysOn(), p.alwaysOn(), w));
      }
      prev = p;
    }
    return prev;
  }

  private static EnergyTotals lerp(EnergyTotals a, EnergyTotals b, double w) {
    return new EnergyTotals(
        a.joules() + (b.joules() - a.joules()) * w,
        a.cost() + (b.cost() - a.cost()) * w,
        a.gramsCo2() + (b.gramsCo2() - a.gramsCo2()) * w);
  }
}
