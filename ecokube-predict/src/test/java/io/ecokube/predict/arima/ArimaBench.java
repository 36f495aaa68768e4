package io.ecokube.predict.arima;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fit + forecast timings, side by side with statsmodels' {@code fit_seconds_median} from {@code
 * ../shared/arima} where it has one. Not a test: run it as a main.
 *
 * <pre>
 * mvn -B -q -o -pl ecokube-predict test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.ecokube.predict.arima.ArimaBench [-Dexec.args=/path/to/shared]
 * </pre>
 */
public final class ArimaBench {
  private static final int WARMUP = 5;
  private static final int RUNS = 11;

  private ArimaBench() {}

  /**
   * Runs the benchmark; the optional argument is the shared folder (default: the {@code
   * ecokube.shared.dir} property, else {@code ../../shared} from the module directory).
   */
  public static void main(String[] args) throws Exception {
    String base =
        args.length > 0 ? args[0] : System.getProperty("ecokube.shared.dir", "../../shared");
    Path shared = Path.of(base).resolve("arima");
    System.out.printf(
        "%-8s %5s %-40s %9s %9s %15s %10s%n",
        "series", "n", "model", "wall ms", "cpu ms", "statsmodels ms", "cpu/sm");
    if (Files.isDirectory(shared)) {
      ObjectMapper json = new ObjectMapper();
      for (String s : List.of("airline", "nile", "co2")) {
        double[] y =
            Files.readAllLines(shared.resolve(s + ".csv")).stream()
                .skip(1)
                .mapToDouble(l -> Double.parseDouble(l.split(",")[1]))
                .toArray();
        for (JsonNode m : json.readTree(shared.resolve(s + ".json").toFile()).get("models")) {
          SharedReference.Case c = new SharedReference.Case(s, y, m);
          double sm = m.get("fit_seconds_median").asDouble() * 1000;
          double[] ours = time(new ArimaForecaster(c.spec()), y, m.get("forecast_h").asInt());
          System.out.printf(
              "%-8s %5d %-40s %9.2f %9.2f %15.1f %10.3f%n",
              s, y.length, c.spec(), ours[0], ours[1], sm, ours[1] / sm);
        }
      }
    } else {
      System.out.println("(no " + shared + ": statsmodels rows skipped)");
    }
    List<Object[]> synthetic = new ArrayList<>();
    double[] w = Simulate.arma(2, 999, 0.05, new double[] {0.5}, new double[] {-0.3}, 1.0);
    double[] y111 = Simulate.integrate(10, w);
    double[] y201 = Simulate.arma(2, 1000, 5, new double[] {0.6, 0.2}, new double[] {0.4}, 1.0);
    double[] airline = seasonal(3, 1000, 12);
    synthetic.add(
        new Object[] {"ARIMA(1,1,1)", new ArimaForecaster(spec(1, 1, 1, 0, 0, 0, 1)), y111});
    synthetic.add(
        new Object[] {
          "ARIMA(2,0,1) with non-zero mean",
          new ArimaForecaster(ArimaSpec.builder().order(2, 0, 1).trend(Trend.CONSTANT).build()),
          y201
        });
    synthetic.add(
        new Object[] {
          "ARIMA(0,1,1)(0,1,1)[12]", new ArimaForecaster(spec(0, 1, 1, 0, 1, 1, 12)), airline
        });
    synthetic.add(
        new Object[] {"auto (non-seasonal)", AutoArimaForecaster.builder().build(), y111});
    synthetic.add(
        new Object[] {
          "auto (period 12)", AutoArimaForecaster.builder().seasonalPeriod(12).build(), airline
        });
    for (Object[] row : synthetic) {
      double[] y = (double[]) row[2];
      double[] ours = time((Forecaster) row[1], y, 24);
      ForecastModel m = ((Forecaster) row[1]).fit(Simulate.hourly(y));
      System.out.printf(
          "%-8s %5d %-40s %9.2f %9.2f %15s %10s%n",
          "sim", y.length, shorten(row[0] + " -> " + m.description()), ours[0], ours[1], "n/a", "");
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40);
  }

  private static ArimaSpec spec(int p, int d, int q, int sp, int sd, int sq, int s) {
    return ArimaSpec.builder().order(p, d, q).seasonal(sp, sd, sq, s).build();
  }

  /** Integrated seasonal MA series with an airline-like structure. */
  private static double[] seasonal(long seed, int n, int s) {
    double[] theta = Polynomials.expandMa(new double[] {-0.4}, new double[] {-0.6}, s);
    double[] w = Simulate.arma(seed, n, 0, new double[0], theta, 0.05);
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      double prev = t >= 1 ? y[t - 1] : 0;
      double seasonal = t >= s ? y[t - s] : 0;
      double both = t >= s + 1 ? y[t - s - 1] : 0;
      y[t] = w[t] + prev + seasonal - both;
    }
    return y;
  }

  /**
   * Median time in ms of fit + forecast(h), after warm-up: {wall, CPU of this thread}. CPU time is
   * the fairer figure on a shared machine, where wall time includes waiting for a core.
   */
  private static double[] time(Forecaster f, double[] y, int h) {
    TimeSeries ts = Simulate.hourly(y);
    for (int i = 0; i < WARMUP; i++) {
      f.fit(ts).forecast(h, 0.95);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] wall = new double[RUNS];
    double[] cpu = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      f.fit(ts).forecast(h, 0.95);
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return new double[] {wall[RUNS / 2], cpu[RUNS / 2]};
  }
}
