package io.clusterdoc.remediation;

import java.util.Locale;

/** How a remediation decision ended. */
public enum Outcome {
  APPLIED("Applied", "RemediationApplied"),
  DRY_RUN("DryRun", "RemediationDryRun"),
  SKIPPED("Skipped", "RemediationSkipped"),
  RATE_LIMITED("RateLimited", "RemediationSkipped"),
  FAILED("Failed", "RemediationFailed");

  private final String display;
  private final String eventReason;

  Outcome(String display, String eventReason) {
    this.display = display;
    this.eventReason = eventReason;
  }

  /** As status.remediations[].outcome spells it. */
  public String display() {
    return display;
  }

  public String eventReason() {
    return eventReason;
  }

  /** As the metric label spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
