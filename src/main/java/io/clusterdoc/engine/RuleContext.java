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
  private final Threshold threshold;
  private Instant recheckAt;

  public RuleContext(Instant now, Threshold threshold) {
    this.now = now;
    this.threshold = threshold;
  }

  public Instant now() {
    return now;
  }

  /** The configured time threshold, else the rule's default; for rules that declare a time threshold. */
  public Duration threshold() {
    if (threshold instanceof Threshold.Time time) {
      return time.duration();
    }
    throw new IllegalStateException("this rule declares no time threshold");
  }

  /** The configured count threshold, else the rule's default; for rules that declare a count threshold. */
  public long count() {
    if (threshold instanceof Threshold.Count count) {
      return count.count();
    }
    throw new IllegalStateException("this rule declares no count threshold");
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
