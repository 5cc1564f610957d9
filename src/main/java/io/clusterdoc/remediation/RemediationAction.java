package io.clusterdoc.remediation;

import io.clusterdoc.engine.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The repair of one rule's finding. It decides from fresh reads only, and refuses, saying why, unless every guard
 * holds; consent, protected namespaces, rate limits and the mode are checked around it, not by it.
 */
public interface RemediationAction {
  /** Stable kebab-case id used in the spec, Events, status and metrics. */
  String id();

  /** The rule whose findings this action answers. */
  String ruleId();

  /** The age or duration a guard waits for, when the spec sets none. */
  default Optional<Duration> defaultThreshold() {
    return Optional.empty();
  }

  /**
   * @param threshold the configured or default threshold (null for actions without one)
   */
  Decision decide(Finding finding, FreshReads reads, Duration threshold, Instant now);
}
