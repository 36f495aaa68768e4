package io.ecokube.replay;

import io.ecokube.api.time.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a command-line duration with the grammar config files use ({@link Durations}), so {@code
 * --duration 7d} means what {@code 7d} means in YAML. Negative values are refused here; whether
 * zero is allowed is the option's business.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
    if (d.isNegative()) {
      throw new TypeConversionException("'" + value + "' is negative; " + Durations.HINT);
    }
    return d;
  }
}
