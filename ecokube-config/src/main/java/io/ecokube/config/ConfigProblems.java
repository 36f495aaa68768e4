package io.ecokube.config;

import java.util.ArrayList;
import java.util.List;

/** The problems and warnings one validation pass has found, located in the source. */
final class ConfigProblems {
  private final SourceLocations locations;
  private final List<ConfigProblem> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  ConfigProblems(SourceLocations locations) {
    this.locations = locations;
  }

  void error(String path, String problem) {
    int[] at = locations.of(path);
    errors.add(new ConfigProblem(path, problem, at[0], at[1]));
  }

  void warn(String warning) {
    warnings.add(warning);
  }

  int count() {
    return errors.size();
  }

  List<ConfigProblem> errors() {
    return List.copyOf(errors);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }
}
