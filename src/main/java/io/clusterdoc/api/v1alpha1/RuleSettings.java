package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** Rule selection and per-rule thresholds, keyed by rule id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuleSettings {
  @JsonPropertyDescription("Rule ids that do not run, for example [node-pressure].")
  private List<String> disabled;

  @JsonPropertyDescription("Thresholds keyed by rule id, for the rules that have one (`clusterdoc rules` shows each "
      + "default): a duration such as 90s, 5m or 1h30m, or a whole number for counts, for example "
      + "{namespace-stuck-terminating: 10m, pod-high-restarts: 50}.")
  @ValidationRule(value = "self.all(rule, self[rule].matches('^\\\\s*(([0-9]+[dhms])+|[0-9]+)\\\\s*$'))",
      message = "a threshold is a duration such as 90s, 5m or 1h30m, or a whole number")
  private Map<String, String> thresholds;

  @JsonPropertyDescription("Severity overrides keyed by rule id: critical, warning or info, for example "
      + "{node-pressure: critical}. Findings are silenced per object with the annotation clusterdoc.io/ignore "
      + "(rule ids separated by commas, or *) on the object or its namespace.")
  @ValidationRule(value = "self.all(rule, self[rule].lowerAscii() in ['critical', 'warning', 'info'])",
      message = "a severity is critical, warning or info")
  private Map<String, String> severity;

  public List<String> getDisabled() {
    return disabled;
  }

  public void setDisabled(List<String> disabled) {
    this.disabled = disabled;
  }

  public Map<String, String> getThresholds() {
    return thresholds;
  }

  public void setThresholds(Map<String, String> thresholds) {
    this.thresholds = thresholds;
  }

  public Map<String, String> getSeverity() {
    return severity;
  }

  public void setSeverity(Map<String, String> severity) {
    this.severity = severity;
  }
}
