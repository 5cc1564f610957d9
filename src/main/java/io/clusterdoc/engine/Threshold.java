package io.clusterdoc.engine;

import java.time.Duration;

/** A rule's threshold: how long a state must last before it is a finding, or how often something must happen. */
public sealed interface Threshold permits Threshold.Time, Threshold.Count {

  static Threshold of(Duration duration) {
    return new Time(duration);
  }

  static Threshold count(long count) {
    return new Count(count);
  }

  /** Reads a configured value of the same type as this threshold. */
  Threshold parse(String text);

  /** As people write it: 5m, 20. */
  String display();

  /** A duration such as 90s, 5m or 1h30m. */
  record Time(Duration duration) implements Threshold {
    @Override
    public Threshold parse(String text) {
      Duration value = Durations.parse(text);
      if (value.isZero()) {
        throw new IllegalArgumentException("a threshold must be longer than 0s");
      }
      return new Time(value);
    }

    @Override
    public String display() {
      return Durations.format(duration);
    }
  }

  /** A whole number of times. */
  record Count(long count) implements Threshold {
    @Override
    public Threshold parse(String text) {
      try {
        long value = Long.parseLong(text.trim());
        if (value > 0) {
          return new Count(value);
        }
      } catch (NumberFormatException e) {
        // reported below with the accepted form
      }
      throw new IllegalArgumentException("'" + text + "' is not a whole number above 0");
    }

    @Override
    public String display() {
      return Long.toString(count);
    }
  }
}
