package io.clusterdoc.engine;

import java.time.Instant;
import java.util.Comparator;

/** A current finding with when it was first and last confirmed. */
public record TrackedFinding(Finding finding, Instant firstSeen, Instant lastSeen) {

  /** Most severe first, then by rule and object, so output is stable and readable. */
  public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
      .thenComparing(Finding::rule)
      .thenComparing(f -> nullToEmpty(f.object().namespace()))
      .thenComparing(f -> nullToEmpty(f.object().name()))
      .thenComparing(f -> nullToEmpty(f.object().kind()));

  public TrackedFinding withFinding(Finding other) {
    return new TrackedFinding(other, firstSeen, lastSeen);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
