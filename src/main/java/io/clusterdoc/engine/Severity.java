package io.clusterdoc.engine;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Most severe first: the natural order sorts findings the way people read them. */
public enum Severity {
  CRITICAL, WARNING, INFO;

  /** The lower-case name used in status, JSON, Events and on the command line. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) <= 0;
  }

  public static Optional<Severity> parse(String id) {
    return Arrays.stream(values()).filter(s -> s.id().equalsIgnoreCase(id)).findFirst();
  }

  @Override
  public String toString() {
    return id();
  }
}
