package io.clusterdoc.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a rule may know besides the cluster: the current time, its threshold, and a way to ask for another look
 * later when a finding depends on time passing (a namespace becomes "stuck" without any object changing).
 */
public final class RuleContext {
  private final Instant now;
  private final Duration threshold;
  private Instant recheckAt;

  public RuleContext(Instant now, Duration threshold) {
    this.now = now;
    this.threshold = threshold;
  }

  public Instant now() {
    return now;
  }

  /** The configured threshold, else the rule's default; only meaningful for rules that declare one. */
  public Duration threshold() {
    if (threshold == null) {
      throw new IllegalStateException("this rule declares no threshold");
    }
    return threshold;
  }

  /** Asks the engine to evaluate the subject again at this time (the earliest request wins). */
  public void recheckAt(Instant when) {
    if (recheckAt == null || when.isBefore(recheckAt)) {
      recheckAt = when;
    }
  }

  Optional<Instant> recheck() {
    return Optional.ofNullable(recheckAt);
  }
}
