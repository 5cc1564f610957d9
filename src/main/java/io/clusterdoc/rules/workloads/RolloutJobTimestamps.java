package io.clusterdoc.rules.workloads;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Timestamps of Deployment conditions and Jobs, which controllers write as RFC 3339 text. */
final class RolloutJobTimestamps {
  private RolloutJobTimestamps() {
  }

  /** Empty when missing or not a timestamp: a time the API server did not write cannot be judged. */
  static Optional<Instant> parse(String timestamp) {
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
