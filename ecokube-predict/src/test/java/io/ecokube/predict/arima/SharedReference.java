package io.ecokube.predict.arima;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the statsmodels reference vectors from {@code ${ecokube.shared.dir}/arima} (never copied
 * into the project); tests skip when the folder is absent.
 */
final class SharedReference {
  private SharedReference() {}

  /** One reference model with its series. */
  record Case(String series, double[] y, JsonNode model) {
    ArimaSpec spec() {
      JsonNode o = model.get("order");
      JsonNode so = model.get("seasonal_order");
      ArimaSpec.Builder b =
          ArimaSpec.builder().order(o.get(0).asInt(), o.get(1).asInt(), o.get(2).asInt());
      if (so != null && !so.isNull()) {
        b.seasonal(so.get(0).asInt(), so.get(1).asInt(), so.get(2).asInt(), so.get(3).asInt());
      }
      String t = model.get("trend").asText();
      b.trend(t.equals("c") ? Trend.CONSTANT : t.equals("t") ? Trend.DRIFT : Trend.NONE);
      return b.build();
    }

    double param(String name) {
      JsonNode p = model.get("params").get(name);
      return p == null ? 0 : p.asDouble();
    }

    double[] array(String field) {
      return doubles(model.get(field));
    }

    @Override
    public String toString() {
      return series + " " + spec();
    }
  }

  static Path dir() {
    String base = System.getProperty("ecokube.shared.dir");
    assumeTrue(
        base != null && Files.isDirectory(Path.of(base, "arima")),
        "statsmodels reference data not found: set -Decokube.shared.dir to the folder holding"
            + " arima/ (../shared beside the checkout); skipping the comparison");
    return Path.of(base, "arima");
  }

  static double[] series(String name) {
    try {
      List<String> lines = Files.readAllLines(dir().resolve(name + ".csv"));
      return lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    String base = System.getProperty("ecokube.shared.dir");
    if (base == null || !Files.isDirectory(Path.of(base, "arima"))) {
      return out;
    }
    ObjectMapper json = new ObjectMapper();
    for (String s : List.of("airline", "nile", "co2")) {
      try {
        JsonNode root = json.readTree(dir().resolve(s + ".json").toFile());
        double[] y = series(s);
        for (JsonNode m : root.get("models")) {
          out.add(new Case(s, y, m));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static double[] doubles(JsonNode arr) {
    double[] v = new double[arr.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = arr.get(i).asDouble();
    }
    return v;
  }
}
