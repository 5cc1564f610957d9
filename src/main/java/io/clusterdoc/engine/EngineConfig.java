package io.clusterdoc.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** How one diagnosis runs the rules: which ones, on which namespaces, with which thresholds. */
public record EngineConfig(Set<String> disabledRules, NamespaceFilter namespaces, Map<String, Duration> thresholds) {

  public static final EngineConfig DEFAULT = new EngineConfig(Set.of(), NamespaceFilter.ALL, Map.of());

  public EngineConfig {
    disabledRules = Set.copyOf(disabledRules);
    thresholds = Map.copyOf(thresholds);
  }

  public boolean enabled(Rule rule) {
    return !disabledRules.contains(rule.id());
  }

  /** The threshold for a rule: configured, else its default, else none. */
  public Duration threshold(Rule rule) {
    return thresholds.getOrDefault(rule.id(), rule.defaultThreshold().orElse(null));
  }
}
