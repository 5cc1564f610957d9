package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.List;
import java.util.Map;

/** Whether and how clusterdoc repairs what it finds. Nothing is ever changed unless mode is Enabled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemediationSettings {
  public static final int DEFAULT_MAX_ACTIONS_PER_HOUR = 10;
  public static final int DEFAULT_MAX_ACTIONS_PER_HOUR_PER_ACTION = 5;

  /** The modes as the spec spells them. */
  public enum Mode {
    @JsonProperty("Off") OFF,
    @JsonProperty("DryRun") DRY_RUN,
    @JsonProperty("Enabled") ENABLED
  }

  @JsonPropertyDescription("Off (default): no remediation. DryRun: decide and record each decision as an Event and "
      + "in status.remediations, write nothing. Enabled: act. Only objects annotated clusterdoc.io/remediate: "
      + "\"true\" (or in a namespace so annotated) are ever considered.")
  @Default("Off")
  private Mode mode;

  @JsonPropertyDescription("Rule ids whose remediation may run, for example [pod-evicted]; all rules that have one "
      + "when empty.")
  private List<String> rules;

  @JsonPropertyDescription("Thresholds of the actions' own guards keyed by action id, as durations: "
      + "finalize-namespace (default 30m), delete-evicted-pods (1h), force-delete-stuck-pod (10m).")
  private Map<String, String> thresholds;

  @JsonPropertyDescription("At most this many actions in any hour, all actions together. Default 10.")
  @Default("10")
  @Min(0)
  @Max(1000)
  private Integer maxActionsPerHour;

  @JsonPropertyDescription("At most this many actions of one kind in any hour. Default 5.")
  @Default("5")
  @Min(0)
  @Max(1000)
  private Integer maxActionsPerHourPerAction;

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public List<String> getRules() {
    return rules;
  }

  public void setRules(List<String> rules) {
    this.rules = rules;
  }

  public Map<String, String> getThresholds() {
    return thresholds;
  }

  public void setThresholds(Map<String, String> thresholds) {
    this.thresholds = thresholds;
  }

  public Integer getMaxActionsPerHour() {
    return maxActionsPerHour;
  }

  public void setMaxActionsPerHour(Integer maxActionsPerHour) {
    this.maxActionsPerHour = maxActionsPerHour;
  }

  public Integer getMaxActionsPerHourPerAction() {
    return maxActionsPerHourPerAction;
  }

  public void setMaxActionsPerHourPerAction(Integer maxActionsPerHourPerAction) {
    this.maxActionsPerHourPerAction = maxActionsPerHourPerAction;
  }
}
