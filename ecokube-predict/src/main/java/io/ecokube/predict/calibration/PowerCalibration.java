package io.ecokube.predict.calibration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The two calibrations the energy predictor needs for one node, saved and loaded as JSON.
 * Utilisation is a fraction in [0, 1].
 *
 * @param containerToNodeUtilisation container CPU cores -> node CPU utilisation; its slope is the
 *     utilisation one core of the container adds, its intercept the node's utilisation from
 *     everything else
 * @param nodeUtilisationToWatts node utilisation -> node watts: intercept = idle watts, intercept +
 *     slope = watts at full load
 */
public record PowerCalibration(
    LinearCalibration containerToNodeUtilisation, LinearCalibration nodeUtilisationToWatts) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** Validates that both lines rise, and that idle watts are not negative. */
  public PowerCalibration {
    Objects.requireNonNull(containerToNodeUtilisation, "containerToNodeUtilisation");
    Objects.requireNonNull(nodeUtilisationToWatts, "nodeUtilisationToWatts");
    if (!(containerToNodeUtilisation.slope() > 0)) {
      throw new IllegalArgumentException(
          "calibration '"
              + containerToNodeUtilisation.name()
              + "' must rise (more cores, more utilisation), got slope "
              + containerToNodeUtilisation.slope());
    }
    if (!(nodeUtilisationToWatts.slope() > 0)) {
      throw new IllegalArgumentException(
          "calibration '"
              + nodeUtilisationToWatts.name()
              + "' must rise (more utilisation, more watts), got slope "
              + nodeUtilisationToWatts.slope());
    }
    if (nodeUtilisationToWatts.intercept() < 0) {
      throw new IllegalArgumentException(
          "calibration '"
              + nodeUtilisationToWatts.name()
              + "' gives negative idle watts "
              + nodeUtilisationToWatts.intercept()
              + "; include measurements near idle");
    }
  }

  /** Idle watts: the power model at zero utilisation. */
  public double idleWatts() {
    return nodeUtilisationToWatts.intercept();
  }

  /** Watts at full utilisation. */
  public double maxWatts() {
    return nodeUtilisationToWatts.intercept() + nodeUtilisationToWatts.slope();
  }

  /** The JSON form. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses the JSON form.
   *
   * @throws IllegalArgumentException when the JSON is malformed or a value is invalid
   */
  public static PowerCalibration fromJson(String json) {
    try {
      return JSON.readValue(json, PowerCalibration.class);
    } catch (IOException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new IllegalArgumentException(
          "invalid power calibration JSON: " + cause.getMessage(), cause);
    }
  }

  /** Writes the JSON form to a file. */
  public void save(Path file) throws IOException {
    Files.writeString(file, toJson());
  }

  /**
   * Reads a file written by {@link #save}.
   *
   * @throws IllegalArgumentException when the content is invalid (the message names the file)
   */
  public static PowerCalibration load(Path file) throws IOException {
    String text = Files.readString(file);
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
