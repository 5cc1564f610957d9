package io.clusterdoc.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One remediation decision, as the status history keeps it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RemediationRecord {
  @JsonPropertyDescription("When the decision was made (RFC 3339).")
  private String time;

  @JsonPropertyDescription("The action, e.g. finalize-namespace.")
  private String action;

  @JsonPropertyDescription("The object of the finding the action answers.")
  private FindingObject object;

  @JsonPropertyDescription("Applied, DryRun, Skipped (a guard or the consent refused), RateLimited or Failed.")
  private String outcome;

  @JsonPropertyDescription("Why: what was written, or which guard refused and why.")
  private String reason;

  public RemediationRecord() {
  }

  public RemediationRecord(String time, String action, FindingObject object, String outcome, String reason) {
    this.time = time;
    this.action = action;
    this.object = object;
    this.outcome = outcome;
    this.reason = reason;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  public FindingObject getObject() {
    return object;
  }

  public void setObject(FindingObject object) {
    this.object = object;
  }

  public String getOutcome() {
    return outcome;
  }

  public void setOutcome(String outcome) {
    this.outcome = outcome;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemediationRecord other && Objects.equals(time, other.time)
        && Objects.equals(action, other.action) && Objects.equals(object, other.object)
        && Objects.equals(outcome, other.outcome) && Objects.equals(reason, other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(time, action, object, outcome, reason);
  }
}
