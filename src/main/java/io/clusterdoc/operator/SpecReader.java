package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.NamespaceSelection;
import io.clusterdoc.api.v1alpha1.RemediationSettings;
import io.clusterdoc.api.v1alpha1.RuleSettings;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.remediation.RemediationAction;
import io.clusterdoc.remediation.RemediationPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a ClusterDiagnosis spec into an engine configuration and a remediation policy, naming the spec field of any
 * bad value.
 */
final class SpecReader {
  private final Collection<Rule> rules;
  private final Collection<RemediationAction> actions;

  SpecReader(Collection<Rule> rules, Collection<RemediationAction> actions) {
    this.rules = rules;
    this.actions = actions;
  }

  EngineConfig read(ClusterDiagnosisSpec spec) throws InvalidSettingException {
    EngineConfig.Builder config = EngineConfig.builder(rules);
    if (spec == null) {
      return config.build();
    }
    RuleSettings ruleSettings = spec.getRules();
    if (ruleSettings != null) {
      List<String> disabled = orEmpty(ruleSettings.getDisabled());
      for (int i = 0; i < disabled.size(); i++) {
        config.disable(disabled.get(i), "spec.rules.disabled[" + i + "]");
      }
      for (Map.Entry<String, String> t : orEmpty(ruleSettings.getThresholds()).entrySet()) {
        config.threshold(t.getKey(), t.getValue(), "spec.rules.thresholds." + t.getKey());
      }
      for (Map.Entry<String, String> s : orEmpty(ruleSettings.getSeverity()).entrySet()) {
        config.severity(s.getKey(), s.getValue(), "spec.rules.severity." + s.getKey());
      }
    }
    NamespaceSelection namespaces = spec.getNamespaces();
    if (namespaces != null) {
      List<String> include = orEmpty(namespaces.getInclude());
      for (int i = 0; i < include.size(); i++) {
        config.include(include.get(i), "spec.namespaces.include[" + i + "]");
      }
      List<String> exclude = orEmpty(namespaces.getExclude());
      for (int i = 0; i < exclude.size(); i++) {
        String field = "spec.namespaces.exclude[" + i + "]";
        if (include.contains(exclude.get(i))) {
          // The CRD rejects this on a real API server; the check here covers servers that do not run its rules.
          throw new InvalidSettingException(field, "'" + exclude.get(i) + "' is also in spec.namespaces.include");
        }
        config.exclude(exclude.get(i), field);
      }
    }
    return config.build();
  }

  /** The remediation policy; Off when the spec says nothing. */
  RemediationPolicy remediation(ClusterDiagnosisSpec spec) throws InvalidSettingException {
    RemediationSettings settings = spec == null ? null : spec.getRemediation();
    if (settings == null) {
      return RemediationPolicy.OFF;
    }
    Set<String> allowed = new HashSet<>();
    List<String> ruleIds = orEmpty(settings.getRules());
    for (int i = 0; i < ruleIds.size(); i++) {
      String ruleId = ruleIds.get(i);
      if (actions.stream().noneMatch(a -> a.ruleId().equals(ruleId))) {
        throw new InvalidSettingException("spec.remediation.rules[" + i + "]", "rule " + ruleId
            + " has no remediation; these have one: " + join(actions.stream().map(RemediationAction::ruleId)));
      }
      allowed.add(ruleId);
    }
    Map<String, Duration> thresholds = new HashMap<>();
    for (Map.Entry<String, String> t : orEmpty(settings.getThresholds()).entrySet()) {
      thresholds.put(t.getKey(), actionThreshold(t.getKey(), t.getValue()));
    }
    return new RemediationPolicy(Objects.requireNonNullElse(settings.getMode(), RemediationSettings.Mode.OFF), allowed,
        thresholds, limit(settings.getMaxActionsPerHour(), RemediationSettings.DEFAULT_MAX_ACTIONS_PER_HOUR,
            "spec.remediation.maxActionsPerHour"),
        limit(settings.getMaxActionsPerHourPerAction(), RemediationSettings.DEFAULT_MAX_ACTIONS_PER_HOUR_PER_ACTION,
            "spec.remediation.maxActionsPerHourPerAction"));
  }

  private Duration actionThreshold(String actionId, String value) throws InvalidSettingException {
    String field = "spec.remediation.thresholds." + actionId;
    if (actions.stream().noneMatch(a -> a.id().equals(actionId) && a.defaultThreshold().isPresent())) {
      throw new InvalidSettingException(field, "no action " + actionId + " with a threshold; these have one: "
          + join(actions.stream().filter(a -> a.defaultThreshold().isPresent()).map(RemediationAction::id)));
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(field, e.getMessage());
    }
  }

  private static int limit(Integer value, int fallback, String field) throws InvalidSettingException {
    if (value != null && value < 0) {
      throw new InvalidSettingException(field, value + " is negative");
    }
    return value == null ? fallback : value;
  }

  private static String join(Stream<String> ids) {
    return ids.sorted().collect(Collectors.joining(", "));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
