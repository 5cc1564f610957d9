package io.clusterdoc.remediation;

import io.clusterdoc.api.v1alpha1.RemediationSettings;
import io.clusterdoc.api.v1alpha1.RemediationSettings.Mode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What one ClusterDiagnosis allows: the mode, which rules' actions, their thresholds and the hourly limits.
 *
 * @param rules the rule ids whose action may run; all when empty
 * @param thresholds by action id
 */
public record RemediationPolicy(Mode mode, Set<String> rules, Map<String, Duration> thresholds, int maxPerHour,
    int maxPerHourPerAction) {

  public static final RemediationPolicy OFF = new RemediationPolicy(Mode.OFF, Set.of(), Map.of(),
      RemediationSettings.DEFAULT_MAX_ACTIONS_PER_HOUR, RemediationSettings.DEFAULT_MAX_ACTIONS_PER_HOUR_PER_ACTION);

  public RemediationPolicy {
    rules = Set.copyOf(rules);
    thresholds = Map.copyOf(thresholds);
  }

  public boolean active() {
    return mode != Mode.OFF;
  }

  public boolean allows(RemediationAction action) {
    return active() && (rules.isEmpty() || rules.contains(action.ruleId()));
  }

  public Duration threshold(RemediationAction action) {
    return thresholds.getOrDefault(action.id(), action.defaultThreshold().orElse(null));
  }
}
