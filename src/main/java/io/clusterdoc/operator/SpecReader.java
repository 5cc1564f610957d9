package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.NamespaceSelection;
import io.clusterdoc.api.v1alpha1.RuleSettings;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.Rule;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Turns a ClusterDiagnosis spec into an engine configuration, naming the spec field of any bad value. */
final class SpecReader {
  private final Collection<Rule> rules;

  SpecReader(Collection<Rule> rules) {
    this.rules = rules;
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
        config.exclude(exclude.get(i), "spec.namespaces.exclude[" + i + "]");
      }
    }
    return config.build();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
