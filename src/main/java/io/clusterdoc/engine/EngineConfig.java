package io.clusterdoc.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How one diagnosis runs the rules: which ones, on which namespaces, with which thresholds and severities. */
public record EngineConfig(Set<String> disabledRules, NamespaceFilter namespaces, Map<String, Threshold> thresholds,
    Map<String, Severity> severities) {

  public static final EngineConfig DEFAULT = new EngineConfig(Set.of(), NamespaceFilter.ALL, Map.of(), Map.of());

  public EngineConfig {
    disabledRules = Set.copyOf(disabledRules);
    thresholds = Map.copyOf(thresholds);
    severities = Map.copyOf(severities);
  }

  public EngineConfig(Set<String> disabledRules, NamespaceFilter namespaces, Map<String, Threshold> thresholds) {
    this(disabledRules, namespaces, thresholds, Map.of());
  }

  /** The finding with the severity the configuration gives its rule, if it overrides it. */
  public Finding withConfiguredSeverity(Finding finding) {
    Severity configured = severities.get(finding.rule());
    return configured == null || configured == finding.severity() ? finding : finding.withSeverity(configured);
  }

  public boolean enabled(Rule rule) {
    return !disabledRules.contains(rule.id());
  }

  /** The threshold for a rule: configured, else its default, else none. */
  public Threshold threshold(Rule rule) {
    return thresholds.getOrDefault(rule.id(), rule.defaultThreshold().orElse(null));
  }

  public static Builder builder(Collection<Rule> knownRules) {
    return new Builder(knownRules);
  }

  /**
   * Checks settings against the known rules as they are added; each method names the field a bad value came
   * from, so the spec and the command line report errors in their own terms.
   */
  public static final class Builder {
    private final Collection<Rule> knownRules;
    private final Set<String> disabled = new HashSet<>();
    private final Map<String, Threshold> thresholds = new HashMap<>();
    private final Map<String, Severity> severities = new HashMap<>();
    private final List<String> include = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();

    private Builder(Collection<Rule> knownRules) {
      this.knownRules = knownRules;
    }

    public Builder disable(String ruleId, String field) throws InvalidSettingException {
      disabled.add(rule(ruleId, field).id());
      return this;
    }

    public Builder threshold(String ruleId, String value, String field) throws InvalidSettingException {
      Rule rule = rule(ruleId, field);
      Threshold threshold = rule.defaultThreshold()
          .orElseThrow(() -> new InvalidSettingException(field, "rule " + ruleId + " has no threshold"));
      try {
        thresholds.put(rule.id(), threshold.parse(value));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(field, e.getMessage());
      }
      return this;
    }

    public Builder severity(String ruleId, String severity, String field) throws InvalidSettingException {
      Rule rule = rule(ruleId, field);
      severities.put(rule.id(), Severity.parse(severity).orElseThrow(() -> new InvalidSettingException(field,
          "'" + severity + "' is not one of critical, warning, info")));
      return this;
    }

    public Builder include(String glob, String field) throws InvalidSettingException {
      include.add(glob(glob, field));
      return this;
    }

    public Builder exclude(String glob, String field) throws InvalidSettingException {
      exclude.add(glob(glob, field));
      return this;
    }

    public EngineConfig build() {
      return new EngineConfig(disabled, new NamespaceFilter(include, exclude), thresholds, severities);
    }

    private Rule rule(String id, String field) throws InvalidSettingException {
      Optional<Rule> rule = knownRules.stream().filter(r -> r.id().equals(id)).findFirst();
      if (rule.isEmpty()) {
        throw new InvalidSettingException(field, "unknown rule '" + id + "' (`clusterdoc rules` lists them)");
      }
      return rule.get();
    }

    private static String glob(String glob, String field) throws InvalidSettingException {
      if (glob == null || glob.isBlank() || !glob.matches("[a-z0-9*?-]+")) {
        throw new InvalidSettingException(field, "'" + glob + "' is not a namespace name glob "
            + "(lower-case letters, digits, '-', '*' and '?')");
      }
      return glob;
    }
  }
}
