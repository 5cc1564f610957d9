package io.clusterdoc.report;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import java.util.List;

/** The result of a scan, in the shape the JSON and YAML outputs promise. */
public record Report(Summary summary, List<Finding> findings) {

  /** Counts per severity. */
  public record Summary(int critical, int warning, int info, int total) {
    public static Summary of(List<Finding> findings) {
      int critical = count(findings, Severity.CRITICAL);
      int warning = count(findings, Severity.WARNING);
      int info = count(findings, Severity.INFO);
      return new Summary(critical, warning, info, critical + warning + info);
    }

    private static int count(List<Finding> findings, Severity severity) {
      return (int) findings.stream().filter(f -> f.severity() == severity).count();
    }
  }

  public static Report of(List<Finding> findings) {
    List<Finding> sorted = findings.stream().sorted(TrackedFinding.ORDER).toList();
    return new Report(Summary.of(sorted), sorted);
  }

  /** Whether any finding is at or above the given severity. */
  public boolean hasAtLeast(Severity severity) {
    return findings.stream().anyMatch(f -> f.severity().atLeast(severity));
  }
}
