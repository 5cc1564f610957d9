package io.clusterdoc.rules;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Timestamps as the API server writes them (RFC 3339). */
public final class Timestamps {
  private Timestamps() {
  }

  /** Empty when absent or unreadable: a time the API server did not write cannot be judged. */
  public static Optional<Instant> parse(String timestamp) {
    if (timestamp == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(timestamp));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
